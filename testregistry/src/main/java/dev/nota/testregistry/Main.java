package dev.nota.testregistry;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a registry from the command line until killed: {@code --addr host:port} (default 127.0.0.1:5000),
 * {@code --root DIR} (persistent storage; default in memory), {@code --no-referrers}, {@code --sparse} (accept
 * manifests that reference content the repository lacks).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    TestRegistry.Builder builder = TestRegistry.builder();
    String addr = "127.0.0.1:5000";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--addr" -> addr = value(args, ++i);
        case "--root" -> builder.storage(Path.of(value(args, ++i)));
        case "--no-referrers" -> builder.referrersApi(false);
        case "--sparse" -> builder.sparseManifests(true);
        default -> {
          System.err.println("unknown argument: " + args[i]
              + " (use --addr host:port, --root DIR, --no-referrers, --sparse)");
          System.exit(2);
        }
      }
    }
    int colon = addr.lastIndexOf(':');
    if (colon < 0) {
      System.err.println("--addr needs host:port, got " + addr);
      System.exit(2);
    }
    builder.bind(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)));
    TestRegistry registry = builder.start();
    Runtime.getRuntime().addShutdownHook(new Thread(registry::close));
    System.out.println("listening on " + registry.baseUri());
    System.out.flush();
    new CountDownLatch(1).await();
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      System.err.println(args[i - 1] + " needs a value");
      System.exit(2);
    }
    return args[i];
  }
}
