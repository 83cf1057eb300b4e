package dev.nota.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.nota.oci.Reference;
import dev.nota.policy.NotaTrustPolicyDocument;
import dev.nota.policy.NotaryV1Source;
import dev.nota.policy.OciTrustPolicy;
import dev.nota.policy.OciTrustPolicyDocument;
import dev.nota.policy.ReferrerRequirement;
import dev.nota.policy.SignatureRule;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  @Command(name = "show", description = "Print the trust policy (after validating it), or with --for the rules"
      + " that apply to one artifact: a requirement of trustpolicy.nota.json, else notation's statement.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--for", paramLabel = "REFERENCE",
        description = "Show the effective rules for this reference, e.g. registry.example/app:v1.")
    String forReference;
    @Option(names = "--scope", paramLabel = "SCOPE",
        description = "Show the effective rules for this trust policy scope as given, e.g. local/app for an OCI"
            + " layout verified with --scope.")
    String forScope;
    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json (with --for/--scope).")
    OutputFormat output;
    private final Context context;

    Show(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Path root = context.config().root();
      if (forReference != null || forScope != null) {
        if (forReference != null && forScope != null) {
          throw new UserException("--for and --scope both name the artifact; give one");
        }
        String scope = forScope != null ? forScope : Reference.parse(forReference).name();
        Map<String, Object> rules = EffectiveRules.of(root, scope);
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.json) {
          Json.print(out, rules);
        } else {
          EffectiveRules.print(out, rules);
        }
        return ExitCode.OK;
      }
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

  /** What {@code nota verify} would apply to one scope, as plain maps for text or JSON output. */
  static final class EffectiveRules {
    private EffectiveRules() {}

    static Map<String, Object> of(Path root, String scope) throws Exception {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("scope", scope);
      Optional<NotaTrustPolicyDocument> nota = NotaTrustPolicyDocument.load(root);
      Optional<NotaTrustPolicyDocument.Match> match =
          nota.isEmpty() ? Optional.empty() : nota.get().requirementFor(scope);
      if (match.isPresent()) {
        m.put("trustPolicy", NotaTrustPolicyDocument.FILE_NAME);
        m.put("registryScope", match.get().scope());
        Map<String, Object> requirement = rule(match.get().requirement().rule());
        List<Object> referrers = referrers(match.get().requirement().referrers());
        if (!referrers.isEmpty()) {
          requirement.put("referrers", referrers);
        }
        m.put("requirement", requirement);
        List<Object> statements = new ArrayList<>();
        List<Object> v1 = new ArrayList<>();
        for (String name : names(match.get().requirement().rule(), match.get().requirement().referrers())) {
          Optional<NotaryV1Source> source = nota.get().notaryV1(name);
          if (source.isPresent()) {
            v1.add(notaryV1(source.get()));
          } else {
            statements.add(statement(nota.get().statement(name)));
          }
        }
        m.put("statements", statements);
        if (!v1.isEmpty()) {
          m.put("notaryV1", v1);
        }
        return m;
      }
      OciTrustPolicyDocument notation = OciTrustPolicyDocument.load(root);
      m.put("trustPolicy", Files.exists(root.resolve(OCI_FILE)) ? OCI_FILE : FILE);
      m.put("statements", List.of(statement(notation.applicablePolicy(scope))));
      return m;
    }

    private static Map<String, Object> rule(SignatureRule rule) {
      Map<String, Object> m = new LinkedHashMap<>();
      if (!rule.allOf().isEmpty()) {
        m.put("allOf", rule.allOf());
      }
      if (rule.atLeast() > 0) {
        m.put("atLeast", rule.atLeast());
        m.put("of", rule.of());
      }
      return m;
    }

    private static List<Object> referrers(List<ReferrerRequirement> rules) {
      List<Object> out = new ArrayList<>();
      for (ReferrerRequirement r : rules) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("artifactType", r.artifactType());
        m.putAll(rule(r.rule()));
        if (!r.referrers().isEmpty()) {
          m.put("referrers", referrers(r.referrers()));
        }
        out.add(m);
      }
      return out;
    }

    private static List<String> names(SignatureRule rule, List<ReferrerRequirement> referrers) {
      List<String> out = new ArrayList<>(rule.statements());
      for (ReferrerRequirement r : referrers) {
        for (String n : names(r.rule(), r.referrers())) {
          if (!out.contains(n)) {
            out.add(n);
          }
        }
      }
      return out;
    }

    private static Map<String, Object> notaryV1(NotaryV1Source s) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put(s.server() != null ? "server" : "trustDir", String.valueOf(s.server() != null ? s.server()
          : s.trustDir()));
      m.put("gun", s.gun() != null ? s.gun() : "(from the artifact's repository)");
      m.put("roles", s.roles());
      if (s.rootCert() != null) {
        m.put("rootCert", s.rootCert().toString());
      }
      return m;
    }

    private static Map<String, Object> statement(OciTrustPolicy s) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put("level", s.signatureVerification().level().name().toLowerCase(java.util.Locale.ROOT));
      m.put("trustStores", s.trustStores().stream().map(r -> r.type().value() + ":" + r.name()).toList());
      m.put("trustedIdentities", s.trustedIdentities().stream().map(Object::toString).toList());
      return m;
    }

    @SuppressWarnings("unchecked")
    static void print(PrintWriter out, Map<String, Object> rules) {
      out.println("Scope: " + rules.get("scope"));
      Object requirement = rules.get("requirement");
      if (requirement != null) {
        out.println("Requirement of " + rules.get("trustPolicy") + " (registry scope \"" + rules.get("registryScope")
            + "\"):");
        printRule(out, (Map<String, Object>) requirement, "  ");
      } else {
        out.println("No requirement of " + NotaTrustPolicyDocument.FILE_NAME + " applies; notation's "
            + rules.get("trustPolicy") + " does: one valid signature satisfying this statement.");
      }
      out.println("Statements:");
      for (Object o : (List<Object>) rules.get("statements")) {
        Map<String, Object> s = (Map<String, Object>) o;
        out.println("  " + s.get("name") + ": level " + s.get("level") + ", trust stores " + s.get("trustStores")
            + ", trusted identities " + s.get("trustedIdentities"));
      }
      for (Object o : (List<Object>) rules.getOrDefault("notaryV1", List.of())) {
        Map<String, Object> s = (Map<String, Object>) o;
        out.println("  " + s.get("name") + ": Notary v1 signature, " + (s.containsKey("server") ? "server "
            + s.get("server") : "trust directory " + s.get("trustDir")) + ", gun " + s.get("gun") + ", roles "
            + s.get("roles"));
      }
    }

    @SuppressWarnings("unchecked")
    private static void printRule(PrintWriter out, Map<String, Object> rule, String indent) {
      if (rule.containsKey("allOf")) {
        out.println(indent + "all of: " + String.join(", ", (List<String>) rule.get("allOf")));
      }
      if (rule.containsKey("atLeast")) {
        out.println(indent + "at least " + rule.get("atLeast") + " of: "
            + String.join(", ", (List<String>) rule.get("of")));
      }
      for (Object o : (List<Object>) rule.getOrDefault("referrers", List.of())) {
        Map<String, Object> r = (Map<String, Object>) o;
        out.println(indent + "a referrer of type " + r.get("artifactType") + " with:");
        printRule(out, r, indent + "  ");
      }
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
