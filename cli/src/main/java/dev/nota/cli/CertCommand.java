package dev.nota.cli;

import dev.nota.core.key.KeyEntry;
import dev.nota.core.key.TestKeyInstaller;
import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.TestCertificates;
import dev.nota.policy.TrustStoreType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nota cert}: manage the trust store (notation's layout: truststore/x509/TYPE/STORE/FILE). */
@Command(name = "cert", aliases = "certificate", description = "Manage certificates in the trust store.",
    subcommands = {CertCommand.Add.class, CertCommand.ListCerts.class, CertCommand.Show.class,
        CertCommand.Delete.class, CertCommand.GenerateTest.class})
final class CertCommand implements Runnable {
  private static final Pattern STORE_NAME = Pattern.compile("[a-zA-Z0-9_.-]+");

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static TrustStoreType type(String text) throws UserException {
    for (TrustStoreType t : TrustStoreType.values()) {
      if (t.value().equals(text)) {
        return t;
      }
    }
    throw new UserException("unknown trust store type \"" + text + "\": use ca, signingAuthority or tsa");
  }

  static Path storeDir(Context context, String type, String store) throws UserException {
    TrustStoreType t = type(type);
    if (!STORE_NAME.matcher(store).matches()) {
      throw new UserException("invalid trust store name \"" + store + "\": use letters, digits, '.', '_' or '-'");
    }
    return context.config().trustStoreRoot().resolve("x509").resolve(t.value()).resolve(store);
  }

  @Command(name = "add", description = "Add certificates (PEM or DER) to a named trust store.")
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = {"-t", "--type"}, required = true, description = "ca, signingAuthority or tsa.") String type;
    @Option(names = {"-s", "--store"}, required = true, description = "Trust store name.") String store;
    @Parameters(arity = "1..*", paramLabel = "FILE") List<Path> files;
    private final Context context;

    Add(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Path dir = storeDir(context, type, store);
      for (Path f : files) {
        Certificates.readPem(f); // refuse anything that is not certificates before copying
        if (Files.exists(dir.resolve(f.getFileName()))) {
          throw new UserException("certificate file \"" + f.getFileName() + "\" already exists in store "
              + type + ":" + store);
        }
      }
      Files.createDirectories(dir);
      for (Path f : files) {
        Path tmp = Files.createTempFile(dir, ".tmp-", ".crt");
        Files.copy(f, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, dir.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        spec.commandLine().getOut().println("Successfully added " + f.getFileName() + " to named store "
            + store + " of type " + type);
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "list", aliases = "ls", description = "List trust store certificate files.")
  static final class ListCerts implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = {"-t", "--type"}) String type;
    @Option(names = {"-s", "--store"}) String store;
    private final Context context;

    ListCerts(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Path x509 = context.config().trustStoreRoot().resolve("x509");
      List<Path> found = new ArrayList<>();
      for (TrustStoreType t : TrustStoreType.values()) {
        if (type != null && !type(type).equals(t)) {
          continue;
        }
        for (Path storeDir : children(x509.resolve(t.value()))) {
          if (store != null && !storeDir.getFileName().toString().equals(store)) {
            continue;
          }
          found.addAll(children(storeDir));
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (found.isEmpty()) {
        out.println("No certificates found");
      }
      for (Path p : found) {
        out.println(x509.relativize(p));
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "show", description = "Show a certificate file of a trust store.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = {"-t", "--type"}, required = true) String type;
    @Option(names = {"-s", "--store"}, required = true) String store;
    @Parameters(paramLabel = "FILE") String file;
    private final Context context;

    Show(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Path p = storeDir(context, type, store).resolve(file).normalize();
      if (!p.getParent().equals(storeDir(context, type, store)) || !Files.isRegularFile(p)) {
        throw new UserException("no certificate file \"" + file + "\" in store " + type + ":" + store);
      }
      PrintWriter out = spec.commandLine().getOut();
      for (X509Certificate c : Certificates.readPem(p)) {
        out.println("Issuer: " + c.getIssuerX500Principal().getName());
        out.println("Subject: " + c.getSubjectX500Principal().getName());
        out.println("Valid from: " + c.getNotBefore().toInstant());
        out.println("Valid to: " + c.getNotAfter().toInstant());
        out.println("IsCA: " + (c.getBasicConstraints() >= 0));
        out.println("SHA256 Thumbprint: " + Certificates.sha256Thumbprint(c));
        out.println();
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "delete", description = "Delete a certificate file, or all of a store.")
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = {"-t", "--type"}, required = true) String type;
    @Option(names = {"-s", "--store"}, required = true) String store;
    @Option(names = {"-a", "--all"}, description = "Delete the whole store.") boolean all;
    @Option(names = {"-y", "--yes"}, description = "Do not ask (nota never asks; kept for notation scripts).")
    boolean yes;
    @Parameters(arity = "0..1", paramLabel = "FILE") String file;
    private final Context context;

    Delete(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Path dir = storeDir(context, type, store);
      if (all == (file != null)) {
        throw new UserException("give either --all or one certificate file name");
      }
      if (!Files.isDirectory(dir)) {
        throw new UserException("trust store " + type + ":" + store + " does not exist");
      }
      List<Path> targets = all ? children(dir) : List.of(dir.resolve(file).normalize());
      for (Path p : targets) {
        if (!p.getParent().equals(dir) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new UserException("no certificate file \"" + p.getFileName() + "\" in store " + type + ":" + store);
        }
      }
      for (Path p : targets) {
        Files.delete(p);
      }
      if (all) {
        Files.deleteIfExists(dir);
      }
      spec.commandLine().getOut().println("Successfully deleted " + (all ? "store " + store : file));
      return ExitCode.OK;
    }
  }

  @Command(name = "generate-test",
      description = "Generate a test CA and signing certificate with its key, add the CA to the trust store "
          + "and register the key. For testing only.")
  static final class GenerateTest implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "NAME", description = "Common name, also the key and store name.") String name;
    @Option(names = "--default", description = "Make it the default signing key.") boolean makeDefault;
    @Option(names = "--key-type", defaultValue = "rsa-3072",
        description = "rsa-2048, rsa-3072 (default), rsa-4096, ec-256, ec-384 or ec-521.")
    String keyType;
    @Option(names = "--days", defaultValue = "365", description = "Validity in days (default ${DEFAULT-VALUE}).")
    int days;
    private final Context context;

    GenerateTest(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      if (!STORE_NAME.matcher(name).matches()) {
        throw new UserException("invalid name \"" + name + "\": use letters, digits, '.', '_' or '-'");
      }
      if (days <= 0) {
        throw new UserException("--days must be positive");
      }
      TestCertificates.KeySpec spec = switch (keyType) {
        case "rsa-2048" -> TestCertificates.KeySpec.RSA_2048;
        case "rsa-3072" -> TestCertificates.KeySpec.RSA_3072;
        case "rsa-4096" -> TestCertificates.KeySpec.RSA_4096;
        case "ec-256" -> TestCertificates.KeySpec.EC_256;
        case "ec-384" -> TestCertificates.KeySpec.EC_384;
        case "ec-521" -> TestCertificates.KeySpec.EC_521;
        default -> throw new UserException("unknown --key-type \"" + keyType + "\"");
      };
      TestCertificates.Generated g =
          TestCertificates.generate(name, spec, Duration.ofDays(days), context.clock());
      KeyEntry entry = TestKeyInstaller.install(context.config().root(), name, g, makeDefault);
      PrintWriter out = this.spec.commandLine().getOut();
      out.println("generated certificate expiring on " + g.chain().get(0).getNotAfter().toInstant());
      out.println("wrote key: " + entry.keyPath());
      out.println("wrote certificate chain: " + entry.certPath());
      out.println("Successfully added " + name + ".crt to named store " + name + " of type ca");
      out.println(name + (makeDefault ? ": added key and marked it as the default signing key"
          : ": added key"));
      return ExitCode.OK;
    }
  }

  static List<Path> children(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (!p.getFileName().toString().startsWith(".tmp-")) {
          out.add(p);
        }
      }
    }
    out.sort(null);
    return out;
  }
}
