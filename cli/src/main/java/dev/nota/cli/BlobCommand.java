package dev.nota.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.nota.core.blob.BlobSignatures;
import dev.nota.core.envelope.EnvelopeContent;
import dev.nota.core.envelope.Envelopes;
import dev.nota.core.envelope.Payload;
import dev.nota.core.revocation.OnlineRevocationChecker;
import dev.nota.core.sign.Signer;
import dev.nota.core.timestamp.Rfc3161TimestampVerifier;
import dev.nota.core.verify.CheckResult;
import dev.nota.core.verify.EnvelopeVerifier;
import dev.nota.core.verify.PolicyStatement;
import dev.nota.core.verify.SignatureResult;
import dev.nota.core.x509.Certificates;
import dev.nota.oci.MediaTypes;
import dev.nota.policy.BlobTrustPolicyDocument;
import dev.nota.policy.X509TrustStore;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nota blob}: detached signatures of files, compatible with {@code notation blob} (notation 2.x): the
 * signature is written beside the file as {@code <file>.<jws|cose>.sig} and verified against
 * {@code trustpolicy.blob.json}.
 */
@Command(name = "blob", description = "Sign and verify files with detached signatures.",
    subcommands = {BlobCommand.Sign.class, BlobCommand.Verify.class, BlobCommand.Inspect.class,
        BlobCommand.Policy.class})
final class BlobCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "sign", description = "Sign a file; the signature goes to <file>.<jws|cose>.sig.")
  static final class Sign implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "FILE", description = "The file to sign.") Path file;
    @Option(names = {"-k", "--key"}, description = "Signing key name (default: the default key).") String key;
    @Option(names = "--signature-format", defaultValue = "jws", description = "jws or cose (default: ${DEFAULT-VALUE}).")
    String format;
    @Option(names = "--media-type", description = "Media type the signature gives the file (default: "
        + BlobSignatures.DEFAULT_MEDIA_TYPE + ").") String mediaType;
    @Option(names = "--signature-directory", paramLabel = "DIR",
        description = "Directory for the signature file (default: the file's directory).") Path directory;
    @Option(names = {"-e", "--expiry"}, description = "Signature lifetime, e.g. 24h (default: none).") String expiry;
    @Option(names = {"-m", "--user-metadata"}, paramLabel = "KEY=VALUE",
        description = "Metadata to sign with the file (repeatable).") List<String> userMetadata;
    @Option(names = "--force", description = "Replace an existing signature file.") boolean force;
    @picocli.CommandLine.Mixin KeySecretOptions keySecret;
    private final Context context;

    Sign(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      String envelopeType = envelopeType(format);
      if (!Files.isRegularFile(file)) {
        throw new UserException("blob " + file + " does not exist or is not a regular file");
      }
      Path dir = directory != null ? directory : file.toAbsolutePath().getParent();
      Path signature = dir.resolve(BlobSignatures.signatureFileName(file, envelopeType));
      if (Files.exists(signature) && !force) {
        throw new UserException("signature file " + signature + " already exists; use --force to replace it");
      }
      Signer.Options options = new Signer.Options(envelopeType,
          expiry == null ? null : Durations.parse(expiry),
          KeyValues.parse("--user-metadata", userMetadata), null,
          "nota/" + Nota.Version.version(), context.clock());
      byte[] envelope = BlobSignatures.sign(file, mediaType, SigningKeyLoader.load(context, key, keySecret), options);
      write(signature, envelope);
      PrintWriter out = spec.commandLine().getOut();
      out.println("Successfully signed " + file);
      out.println("Signature file written to " + signature);
      return ExitCode.OK;
    }
  }

  @Command(name = "verify", description = "Verify a file against its detached signature and the blob trust policy.")
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "FILE", description = "The file to verify.") Path file;
    @Option(names = {"-s", "--signature"}, required = true, paramLabel = "SIG",
        description = "The signature file (<file>.jws.sig or <file>.cose.sig).") Path signature;
    @Option(names = "--policy-name", description = "The blob trust policy statement (default: the global one).")
    String policyName;
    @Option(names = "--media-type", description = "The media type the signature must give the file.")
    String mediaType;
    @Option(names = {"-m", "--user-metadata"}, paramLabel = "KEY=VALUE",
        description = "Metadata that must be in the signature (repeatable).") List<String> userMetadata;
    @picocli.CommandLine.Mixin RevocationFlags revocationFlags;
    private final Context context;

    Verify(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(file)) {
        throw new UserException("blob " + file + " does not exist or is not a regular file");
      }
      String envelopeType = BlobSignatures.envelopeMediaType(signature);
      byte[] envelope = BlobSignatures.readSignature(signature);
      Map<String, String> required = KeyValues.parse("--user-metadata", userMetadata);
      ConfigDir config = context.config();
      PolicyStatement policy = PolicyStatement.of(BlobTrustPolicyDocument.load(config.root()).policy(policyName));
      // Revocation of the signing and TSA chains is checked online (OCSP, then CRL), as verify and notation do.
      OnlineRevocationChecker revocation = new OnlineRevocationChecker(revocationFlags.options(context));
      EnvelopeVerifier verifier = new EnvelopeVerifier(new X509TrustStore(config.trustStoreRoot()),
          context.clock(), revocation, new Rfc3161TimestampVerifier(revocation, context.clock()))
          .withPlugins(Plugins.host(context, null), Map.of());
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (policy.signatureVerification().level() == dev.nota.policy.VerificationLevel.SKIP) {
        out.println("Trust policy is configured to skip signature verification for " + file);
        return ExitCode.OK;
      }
      SignatureResult result = BlobSignatures.verify(verifier, file, envelopeType, envelope, mediaType, policy,
          required);
      if (!result.verified()) {
        CheckResult f = result.failure();
        err.println("Error: signature verification failed for " + file + ": "
            + (f == null ? result.skippedReason() : (f.type() == null ? "" : f.name() + " failed: ") + f.message()));
        return ExitCode.VERIFICATION_FAILED;
      }
      for (CheckResult w : result.warnings()) {
        err.println("Warning: " + w.name() + " was set to \"log\" and failed with error: " + w.message());
      }
      out.println("Successfully verified signature " + signature);
      return ExitCode.OK;
    }
  }

  @Command(name = "inspect", description = "Show what a blob signature file contains.")
  static final class Inspect implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "SIG", description = "The signature file.") Path signature;
    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.") OutputFormat output;

    @Override
    public Integer call() throws Exception {
      String envelopeType = BlobSignatures.envelopeMediaType(signature);
      EnvelopeContent content = Envelopes.parse(envelopeType, BlobSignatures.readSignature(signature)).verify();
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("signatureFile", signature.toString());
      report.put("mediaType", envelopeType);
      report.put("signatureAlgorithm", content.algorithm().specName());
      Map<String, Object> signed = new LinkedHashMap<>();
      signed.put("signingScheme", content.signedAttributes().signingScheme().toString());
      signed.put("signingTime", String.valueOf(content.signedAttributes().anySigningTime()));
      if (content.signedAttributes().expiry() != null) {
        signed.put("expiry", content.signedAttributes().expiry().toString());
      }
      report.put("signedAttributes", signed);
      Payload payload = Payload.parse(content.payload());
      Map<String, Object> target = new LinkedHashMap<>();
      target.put("mediaType", payload.targetArtifact().mediaType());
      target.put("digest", payload.targetArtifact().digest().toString());
      target.put("size", payload.targetArtifact().size());
      if (!payload.targetArtifact().annotations().isEmpty()) {
        target.put("annotations", payload.targetArtifact().annotations());
      }
      report.put("payload", Map.of("targetArtifact", target));
      List<Map<String, Object>> chain = new java.util.ArrayList<>();
      for (X509Certificate c : content.certificateChain()) {
        Map<String, Object> cert = new LinkedHashMap<>();
        cert.put("subject", c.getSubjectX500Principal().getName());
        cert.put("issuer", c.getIssuerX500Principal().getName());
        cert.put("sha256Fingerprint", Certificates.sha256Thumbprint(c));
        cert.put("validityNotAfter", c.getNotAfter().toInstant().toString());
        chain.add(cert);
      }
      report.put("certificates", chain);
      PrintWriter out = spec.commandLine().getOut();
      if (output == OutputFormat.json) {
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
      } else {
        out.println(signature);
        out.println("├── signature algorithm: " + report.get("signatureAlgorithm"));
        out.println("├── signing time: " + signed.get("signingTime"));
        out.println("├── target: " + target.get("digest") + " (" + target.get("mediaType") + ", "
            + target.get("size") + " bytes)");
        out.println("└── certificates:");
        for (int i = 0; i < chain.size(); i++) {
          out.println("    " + (i == chain.size() - 1 ? "└── " : "├── ") + chain.get(i).get("subject")
              + " (sha256 " + chain.get(i).get("sha256Fingerprint") + ")");
        }
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "policy", description = "Manage the blob trust policy (trustpolicy.blob.json).",
      subcommands = {BlobCommand.PolicyImport.class, BlobCommand.PolicyShow.class, BlobCommand.PolicyInit.class})
  static final class Policy implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  @Command(name = "import", description = "Validate a blob trust policy file and make it the blob policy.")
  static final class PolicyImport implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "FILE") Path file;
    @Option(names = "--force", description = "Replace an existing blob policy.") boolean force;
    private final Context context;

    PolicyImport(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(file)) {
        throw new UserException("blob trust policy file " + file + " does not exist");
      }
      writePolicy(context, Files.readAllBytes(file), force);
      spec.commandLine().getOut().println("Blob trust policy configuration imported successfully.");
      return ExitCode.OK;
    }
  }

  @Command(name = "show", description = "Print the blob trust policy (after validating it).")
  static final class PolicyShow implements Callable<Integer> {
    @Spec CommandSpec spec;
    private final Context context;

    PolicyShow(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Path p = context.config().root().resolve(BlobTrustPolicyDocument.FILE_NAME);
      if (!Files.exists(p)) {
        throw new UserException("no blob trust policy in " + context.config().root()
            + "; create one with 'nota blob policy init' or import one");
      }
      byte[] bytes = Files.readAllBytes(p);
      BlobTrustPolicyDocument.parse(bytes);
      PrintWriter out = spec.commandLine().getOut();
      out.print(new String(bytes, StandardCharsets.UTF_8));
      out.flush();
      return ExitCode.OK;
    }
  }

  @Command(name = "init", description = "Write a blob trust policy with one statement.")
  static final class PolicyInit implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = {"-n", "--name"}, required = true, description = "Statement name.") String name;
    @Option(names = "--trust-store", required = true, paramLabel = "TYPE:NAME", description = "e.g. ca:acme")
    List<String> trustStores;
    @Option(names = "--trusted-identity", required = true,
        description = "\"*\" or x509.subject:<DN> (repeatable).") List<String> identities;
    @Option(names = "--level", defaultValue = "strict", description = "strict, permissive or audit.") String level;
    @Option(names = "--global", description = "Use this statement when verify names no policy.") boolean global;
    @Option(names = "--force", description = "Replace an existing blob policy.") boolean force;
    private final Context context;

    PolicyInit(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Map<String, Object> statement = new LinkedHashMap<>();
      statement.put("name", name);
      if (global) {
        statement.put("globalPolicy", true);
      }
      statement.put("signatureVerification", Map.of("level", level));
      statement.put("trustStores", trustStores);
      statement.put("trustedIdentities", identities);
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("version", "1.0");
      doc.put("trustPolicies", List.of(statement));
      writePolicy(context, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(doc),
          force);
      spec.commandLine().getOut().println("Blob trust policy configuration initialized successfully.");
      return ExitCode.OK;
    }
  }

  static String envelopeType(String format) throws UserException {
    return switch (format) {
      case "jws" -> MediaTypes.JWS;
      case "cose" -> MediaTypes.COSE;
      default -> throw new UserException("--signature-format must be jws or cose, got \"" + format + "\"");
    };
  }

  /** Writes {@code bytes} to {@code file} atomically: a reader sees the old file or the whole new one. */
  private static void write(Path file, byte[] bytes) throws Exception {
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      throw new UserException("signature directory " + dir + " does not exist");
    }
    Path tmp = Files.createTempFile(dir, ".nota-", ".sig.tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void writePolicy(Context context, byte[] json, boolean force) throws Exception {
    BlobTrustPolicyDocument.parse(json);
    Path root = context.config().root();
    Path target = root.resolve(BlobTrustPolicyDocument.FILE_NAME);
    if (!force && Files.exists(target)) {
      throw new UserException("a blob trust policy already exists in " + root + "; use --force to replace it");
    }
    Files.createDirectories(root);
    Path tmp = Files.createTempFile(root, ".tmp-", ".json");
    Files.write(tmp, json);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private BlobCommand() {}
}
