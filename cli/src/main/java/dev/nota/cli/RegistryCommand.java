package dev.nota.cli;

import dev.nota.testregistry.TestRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nota registry serve}: the embedded OCI 1.1 registry, for demos, tests and air-gapped staging. */
@Command(name = "registry", description = "Run nota's embedded OCI registry.",
    subcommands = RegistryCommand.Serve.class)
final class RegistryCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "serve", description = "Serve an OCI Distribution 1.1 registry until interrupted.")
  static final class Serve implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--addr", defaultValue = "127.0.0.1:5000", description = "host:port (default ${DEFAULT-VALUE}).")
    String addr;
    @Option(names = "--root", description = "Store content in this directory (default: in memory).") Path root;
    @Option(names = "--no-referrers", description = "Answer 404 on the Referrers API, like distribution 2.8.")
    boolean noReferrers;
    @Option(names = "--sparse",
        description = "Accept manifests that reference blobs or manifests the repository lacks (a partial mirror).")
    boolean sparse;

    @Override
    public Integer call() throws Exception {
      int colon = addr.lastIndexOf(':');
      if (colon <= 0) {
        throw new UserException("--addr must be host:port, got \"" + addr + "\"");
      }
      int port;
      try {
        port = Integer.parseInt(addr.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new UserException("--addr port must be a number, got \"" + addr.substring(colon + 1) + "\"");
      }
      String host = addr.substring(0, colon).replace("[", "").replace("]", "");
      TestRegistry.Builder builder = TestRegistry.builder().bind(host, port).referrersApi(!noReferrers)
          .sparseManifests(sparse);
      if (root != null) {
        builder.storage(root);
      }
      try (TestRegistry registry = builder.start()) {
        spec.commandLine().getOut().println("nota registry listening on " + registry.baseUri()
            + (root == null ? " (in memory)" : " (storing in " + root + ")")
            + (noReferrers ? ", Referrers API off" : ""));
        spec.commandLine().getOut().flush();
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
        forever.await();
      }
      return ExitCode.OK;
    }
  }
}
