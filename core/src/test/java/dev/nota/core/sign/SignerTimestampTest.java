package dev.nota.core.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.envelope.EnvelopeContent;
import dev.nota.core.envelope.Envelopes;
import dev.nota.core.key.LocalKey;
import dev.nota.core.revocation.RevocationChecker;
import dev.nota.core.timestamp.OpensslTsaServer;
import dev.nota.core.timestamp.OpensslTsaServer.Behaviour;
import dev.nota.core.timestamp.Rfc3161TimestampVerifier;
import dev.nota.core.timestamp.TimestampClient;
import dev.nota.core.timestamp.TimestampException;
import dev.nota.core.verify.EnvelopeVerifier;
import dev.nota.core.verify.PolicyStatement;
import dev.nota.core.verify.SignatureResult;
import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.Openssl;
import dev.nota.core.x509.TestCertificates;
import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.Target;
import dev.nota.oci.layout.LayoutTarget;
import dev.nota.policy.OciTrustPolicyDocument;
import dev.nota.policy.X509TrustStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Signing with a TSA: the token lands in the envelope and makes the signature outlive its certificate. */
class SignerTimestampTest {
  @TempDir static Path dir;
  private static OpensslTsaServer tsa;
  private static TestCertificates.Generated alice;
  private static X509TrustStore trustStore;
  private final Descriptor artifact =
      Descriptor.of(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8));

  @BeforeAll
  static void setUp() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Openssl.available(), "openssl is not installed");
    tsa = OpensslTsaServer.start(dir.resolve("tsa"));
    alice = TestCertificates.generate("alice", TestCertificates.KeySpec.EC_256, Duration.ofDays(2),
        Clock.systemUTC());
    Path ca = Files.createDirectories(dir.resolve("store/x509/ca/alice"));
    Files.write(ca.resolve("root.pem"), Certificates.toPem(List.of(alice.root())));
    Path tsaStore = Files.createDirectories(dir.resolve("store/x509/tsa/tsa"));
    Files.copy(tsa.rootCertificate(), tsaStore.resolve("root.pem"));
    trustStore = new X509TrustStore(dir.resolve("store"));
  }

  @AfterAll
  static void stop() {
    if (tsa != null) {
      tsa.close();
    }
  }

  private static Signer.Options options(String format) throws Exception {
    TimestampClient client = TimestampClient.create(TimestampClient.Options.of(tsa.url(),
        Certificates.readPem(tsa.rootCertificate()).get(0)));
    return Signer.Options.defaults(format).withTimestamper(client);
  }

  private static PolicyStatement policy(String stores) throws Exception {
    String json = "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"p\",\"registryScopes\":[\"*\"],"
        + "\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[" + stores + "],"
        + "\"trustedIdentities\":[\"*\"]}]}";
    return PolicyStatement.of(OciTrustPolicyDocument.parse(json.getBytes(StandardCharsets.UTF_8))
        .applicablePolicy("localhost:5000/app"));
  }

  private SignatureResult verifyAt(Clock clock, String format, byte[] envelope, String stores) throws Exception {
    EnvelopeVerifier verifier = new EnvelopeVerifier(trustStore, clock, RevocationChecker.OFFLINE,
        new Rfc3161TimestampVerifier(RevocationChecker.OFFLINE, clock));
    return verifier.verify(null, format, envelope, artifact, policy(stores), Map.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.JWS, MediaTypes.COSE})
  void aTimestampedSignatureStillVerifiesAfterItsCertificateExpired(String format) throws Exception {
    tsa.behaviour(Behaviour.GOOD);
    byte[] envelope = Signer.createEnvelope(artifact, LocalKey.of(alice.key(), alice.chain()), options(format));

    EnvelopeContent content = Envelopes.parse(format, envelope).verify();
    assertNotNull(content.unsignedAttributes().timestampSignature(), "no timestamp in the envelope");
    assertTrue(verifyAt(Clock.systemUTC(), format, envelope, "\"ca:alice\", \"tsa:tsa\"").verified());

    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(3));
    SignatureResult stamped = verifyAt(later, format, envelope, "\"ca:alice\", \"tsa:tsa\"");
    assertTrue(stamped.verified(), () -> String.valueOf(stamped.failure()));

    byte[] plain = Signer.createEnvelope(artifact, LocalKey.of(alice.key(), alice.chain()),
        Signer.Options.defaults(format));
    assertNull(Envelopes.parse(format, plain).content().unsignedAttributes().timestampSignature());
    SignatureResult unstamped = verifyAt(later, format, plain, "\"ca:alice\", \"tsa:tsa\"");
    assertFalse(unstamped.verified(), "a signature without timestamp verified after its certificate expired");
  }

  @ParameterizedTest
  @ValueSource(strings = {"GARBAGE", "HTTP_500", "UNTRUSTED_CA", "WRONG_NONCE"})
  void nothingIsPushedWhenTimestampingFails(Behaviour b) throws Exception {
    Path layout = dir.resolve("layout-" + b);
    LayoutTarget.open(layout).close();
    Map<Path, String> before = snapshot(layout);
    tsa.behaviour(b);
    try (Target target = LayoutTarget.open(layout)) {
      assertThrows(TimestampException.class, () -> Signer.sign(target, artifact,
          LocalKey.of(alice.key(), alice.chain()), options(MediaTypes.COSE)));
    } finally {
      tsa.behaviour(Behaviour.GOOD);
    }
    assertEquals(before, snapshot(layout), "the layout changed although signing failed");
  }

  /** Every file of {@code p} with its content. */
  private static Map<Path, String> snapshot(Path p) throws Exception {
    try (Stream<Path> s = Files.walk(p)) {
      Map<Path, String> files = new java.util.TreeMap<>();
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        files.put(p.relativize(f), Files.readString(f, StandardCharsets.ISO_8859_1));
      }
      return files;
    }
  }
}
