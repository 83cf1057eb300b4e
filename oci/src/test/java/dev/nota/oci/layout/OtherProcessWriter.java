package dev.nota.oci.layout;

import java.nio.file.Path;

/**
 * The other process of {@link CrossProcessLockTest}: opens the layout named by its first argument, says "ready",
 * then pushes as many untagged images as its second argument says.
 */
public final class OtherProcessWriter {
  private OtherProcessWriter() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[1]);
    try (LayoutTarget t = LayoutTarget.open(Path.of(args[0]))) {
      System.out.println("ready");
      System.out.flush();
      for (int i = 0; i < count; i++) {
        LayoutTargetTest.pushImage(t, "other process " + i, null, null);
      }
    }
    System.out.println("done");
  }
}
