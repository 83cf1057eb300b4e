package dev.nota.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.nota.policy.OciTrustPolicyDocument;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nota policy}: the OCI trust policy file ({@code trustpolicy.json}, notation 1.x's name). */
@Command(name = "policy", description = "Manage the OCI trust policy.",
    subcommands = {PolicyCommand.Import.class, PolicyCommand.Show.class, PolicyCommand.Init.class})
final class PolicyCommand implements Runnable {
  static final String FILE = "trustpolicy.json";
  static final String OCI_FILE = "trustpolicy.oci.json";

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Validates {@code json} and writes it atomically as the policy, refusing to overwrite unless forced. */
  static void write(Context context, byte[] json, boolean force) throws Exception {
    OciTrustPolicyDocument.parse(json);
    Path root = context.config().root();
    Path target = root.resolve(FILE);
    if (!force && (Files.exists(target) || Files.exists(root.resolve(OCI_FILE)))) {
      throw new UserException("a trust policy already exists in " + root + "; use --force to replace it");
    }
    Files.createDirectories(root);
    Path tmp = Files.createTempFile(root, ".tmp-", ".json");
    Files.write(tmp, json);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.deleteIfExists(root.resolve(OCI_FILE)); // one policy file: the one just written
  }

  @Command(name = "import", description = "Validate a trust policy file and make it the policy.")
  static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "FILE") Path file;
    @Option(names = "--force", description = "Replace an existing policy.") boolean force;
    private final Context context;

    Import(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(file)) {
        throw new UserException("trust policy file " + file + " does not exist");
      }
      write(context, Files.readAllBytes(file), force);
      spec.commandLine().getOut().println("Trust policy configuration imported successfully.");
      return ExitCode.OK;
    }
  }

  @Command(name = "show", description = "Print the trust policy (after validating it).")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    private final Context context;

    Show(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Path root = context.config().root();
      Path p = Files.exists(root.resolve(OCI_FILE)) ? root.resolve(OCI_FILE) : root.resolve(FILE);
      if (!Files.exists(p)) {
        throw new UserException("no trust policy in " + root + "; create one with 'nota policy init' or import one");
      }
      byte[] bytes = Files.readAllBytes(p);
      PrintWriter out = spec.commandLine().getOut();
      out.print(new String(bytes, StandardCharsets.UTF_8));
      out.flush();
      OciTrustPolicyDocument.parse(bytes);
      return ExitCode.OK;
    }
  }

  @Command(name = "init", description = "Write a trust policy with one statement.")
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = {"-n", "--name"}, required = true, description = "Statement name.") String name;
    @Option(names = "--scope", required = true, description = "Registry scope, e.g. localhost:5000/app or *.")
    List<String> scopes;
    @Option(names = "--trust-store", required = true, paramLabel = "TYPE:NAME", description = "e.g. ca:acme")
    List<String> trustStores;
    @Option(names = "--trusted-identity", required = true,
        description = "\"*\" or x509.subject:<DN> (repeatable).")
    List<String> identities;
    @Option(names = "--level", defaultValue = "strict", description = "strict, permissive, audit or skip.")
    String level;
    @Option(names = "--force", description = "Replace an existing policy.") boolean force;
    private final Context context;

    Init(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Map<String, Object> statement = new LinkedHashMap<>();
      statement.put("name", name);
      statement.put("registryScopes", scopes);
      statement.put("signatureVerification", Map.of("level", level));
      if (!"skip".equals(level)) {
        statement.put("trustStores", trustStores);
        statement.put("trustedIdentities", identities);
      }
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("version", "1.0");
      doc.put("trustPolicies", List.of(statement));
      byte[] json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(doc);
      write(context, json, force);
      spec.commandLine().getOut().println("Trust policy configuration initialized successfully.");
      return ExitCode.OK;
    }
  }
}
