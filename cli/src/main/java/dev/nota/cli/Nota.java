package dev.nota.cli;

/** Placeholder entry point; replaced by the picocli command tree. */
public final class Nota {
  private Nota() {}

  public static void main(String[] args) {
    System.out.println("nota");
  }
}
