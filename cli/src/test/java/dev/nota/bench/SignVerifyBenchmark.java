package dev.nota.bench;

import dev.nota.core.envelope.EnvelopeContent;
import dev.nota.core.envelope.Envelopes;
import dev.nota.core.key.LocalKey;
import dev.nota.core.revocation.RevocationChecker;
import dev.nota.core.sign.Signer;
import dev.nota.core.timestamp.TimestampVerifier;
import dev.nota.core.verify.EnvelopeVerifier;
import dev.nota.core.verify.PolicyStatement;
import dev.nota.core.verify.SignatureResult;
import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.TestCertificates;
import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import dev.nota.policy.OciTrustPolicyDocument;
import dev.nota.policy.X509TrustStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process latency of creating a signature envelope and of running every verification check on one (integrity,
 * chain rules, trust store, identity, expiry, validity, revocation rule, payload), per envelope format and key.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SignVerifyBenchmark {
  @Param({"application/jose+json", "application/cose"})
  String format;

  @Param({"RSA_3072", "EC_256"})
  String key;

  private LocalKey signer;
  private Descriptor artifact;
  private byte[] envelope;
  private EnvelopeVerifier verifier;
  private PolicyStatement policy;
  private Signer.Options options;

  @Setup
  public void setUp() throws Exception {
    TestCertificates.Generated g = TestCertificates.generate(
        "bench", TestCertificates.KeySpec.valueOf(key), Duration.ofDays(30), Clock.systemUTC());
    signer = LocalKey.of(g.key(), g.chain());
    artifact = Descriptor.of(MediaTypes.OCI_MANIFEST, "{\"bench\":true}".getBytes(StandardCharsets.UTF_8));
    options = Signer.Options.defaults(format);
    envelope = Signer.createEnvelope(artifact, signer, options);

    Path store = Files.createTempDirectory("nota-bench-store");
    Path dir = Files.createDirectories(store.resolve("x509/ca/bench"));
    Files.write(dir.resolve("root.pem"), Certificates.toPem(List.of(g.chain().get(g.chain().size() - 1))));
    String policyJson = "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"bench\",\"registryScopes\":[\"*\"],"
        + "\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"ca:bench\"],"
        + "\"trustedIdentities\":[\"*\"]}]}";
    policy = PolicyStatement.of(OciTrustPolicyDocument.parse(policyJson.getBytes(StandardCharsets.UTF_8))
        .applicablePolicy("localhost:5000/bench"));
    verifier = new EnvelopeVerifier(new X509TrustStore(store), Clock.systemUTC(), RevocationChecker.OFFLINE,
        TimestampVerifier.UNSUPPORTED);
    if (!verify().verified()) {
      throw new IllegalStateException("benchmark envelope does not verify: " + verify().failure());
    }
  }

  @Benchmark
  public byte[] sign() throws Exception {
    return Signer.createEnvelope(artifact, signer, options);
  }

  /** Parse the envelope and apply its header rules (certificates decoded), no signature or trust check. */
  @Benchmark
  public EnvelopeContent parse() throws Exception {
    return Envelopes.parse(format, envelope).content();
  }

  /** Parse plus integrity: the primitive signature checked with the leaf's key, no trust store. */
  @Benchmark
  public EnvelopeContent parseAndCheckSignature() throws Exception {
    return Envelopes.parse(format, envelope).verify();
  }

  @Benchmark
  public SignatureResult verify() {
    return verifier.verify(null, format, envelope, artifact, policy, Map.of());
  }
}
