package dev.nota.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nota.core.key.LocalKey;
import dev.nota.core.revocation.RevocationChecker;
import dev.nota.core.sign.Signer;
import dev.nota.core.timestamp.TimestampVerifier;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signatures made by nota verify; any byte changed in the payload, protected header, signature or certificate chain
 * fails integrity at strict, and the signed target is checked.
 */
class EnvelopeVerifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path temp;
  private TestCertificates.Generated alice;
  private TestCertificates.Generated bob;
  private EnvelopeVerifier verifier;
  private PolicyStatement strict;
  private final Descriptor artifact =
      Descriptor.of(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8));

  @BeforeEach
  void setUp() throws Exception {
    alice = TestCertificates.generate("alice", TestCertificates.KeySpec.EC_256, Duration.ofDays(2), Clock.systemUTC());
    bob = TestCertificates.generate("bob", TestCertificates.KeySpec.EC_256, Duration.ofDays(2), Clock.systemUTC());
    Path dir = Files.createDirectories(temp.resolve("x509/ca/alice"));
    Files.write(dir.resolve("root.pem"), Certificates.toPem(List.of(alice.chain().get(1))));
    verifier = new EnvelopeVerifier(new X509TrustStore(temp), Clock.systemUTC(), RevocationChecker.OFFLINE,
        TimestampVerifier.UNSUPPORTED);
    String policy = "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"p\",\"registryScopes\":[\"*\"],"
        + "\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"ca:alice\"],"
        + "\"trustedIdentities\":[\"*\"]}]}";
    strict = PolicyStatement.of(OciTrustPolicyDocument.parse(policy.getBytes(StandardCharsets.UTF_8))
        .applicablePolicy("localhost:5000/app"));
  }

  private byte[] sign(String format, TestCertificates.Generated key) throws Exception {
    return Signer.createEnvelope(artifact, LocalKey.of(key.key(), key.chain()), Signer.Options.defaults(format));
  }

  private SignatureResult verify(String format, byte[] envelope) {
    return verifier.verify(null, format, envelope, artifact, strict, Map.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.JWS, MediaTypes.COSE})
  void aFreshSignatureVerifies(String format) throws Exception {
    SignatureResult r = verify(format, sign(format, alice));
    assertTrue(r.verified(), () -> String.valueOf(r.failure()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"payload", "protected", "signature"})
  void changingAJwsMemberFailsIntegrity(String member) throws Exception {
    ObjectNode jws = (ObjectNode) JSON.readTree(sign(MediaTypes.JWS, alice));
    String value = jws.get(member).asText();
    char c = value.charAt(value.length() / 2);
    jws.put(member, value.substring(0, value.length() / 2) + (c == 'A' ? 'B' : 'A')
        + value.substring(value.length() / 2 + 1));
    assertFailsAt("integrity", verify(MediaTypes.JWS, JSON.writeValueAsBytes(jws)));
  }

  @Test
  void aJwsWhoseLeafCertificateIsSwappedFailsIntegrity() throws Exception {
    ObjectNode jws = (ObjectNode) JSON.readTree(sign(MediaTypes.JWS, alice));
    ArrayNode x5c = (ArrayNode) jws.get("header").get("x5c");
    x5c.set(0, Base64.getEncoder().encodeToString(bob.chain().get(0).getEncoded()));
    assertFailsAt("integrity", verify(MediaTypes.JWS, JSON.writeValueAsBytes(jws)));
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 40, 120, 300, -70, -20, -1})
  void anyChangedCoseByteFails(int offset) throws Exception {
    byte[] cose = sign(MediaTypes.COSE, alice);
    int at = offset >= 0 ? offset : cose.length + offset;
    cose[at] ^= 0x01;
    SignatureResult r = verify(MediaTypes.COSE, cose);
    assertFalse(r.verified());
  }

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.JWS, MediaTypes.COSE})
  void aCoseOrJwsByteInsideTheLeafCertificateFailsIntegrity(String format) throws Exception {
    byte[] envelope = sign(format, alice);
    byte[] leaf = alice.chain().get(0).getEncoded();
    if (format.equals(MediaTypes.JWS)) {
      leaf = Base64.getEncoder().encodeToString(leaf).getBytes(StandardCharsets.US_ASCII);
    }
    int at = indexOf(envelope, leaf);
    assertTrue(at >= 0);
    envelope[at + leaf.length / 2] ^= format.equals(MediaTypes.JWS) ? 0x02 : 0x01;
    assertFailsAt("integrity", verify(format, envelope));
  }

  @Test
  void aSignatureByAnUntrustedSignerFailsAuthenticity() throws Exception {
    assertFailsAt("authenticity", verify(MediaTypes.JWS, sign(MediaTypes.JWS, bob)));
  }

  @Test
  void aSignatureForAnotherArtifactFails() throws Exception {
    Descriptor other = Descriptor.of(MediaTypes.OCI_MANIFEST, "{}".getBytes(StandardCharsets.UTF_8));
    SignatureResult r = verifier.verify(null, MediaTypes.JWS, sign(MediaTypes.JWS, alice), other, strict, Map.of());
    assertFalse(r.verified());
    assertTrue(r.failure().message().contains("the signature is for"), r.failure().message());
  }

  @Test
  void malformedEnvelopesFailIntegrityWithOneLine() {
    for (String format : List.of(MediaTypes.JWS, MediaTypes.COSE)) {
      for (byte[] bad : List.of(new byte[0], "{".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xd2, 0x18},
          "null".getBytes(StandardCharsets.UTF_8))) {
        SignatureResult r = verify(format, bad);
        assertFailsAt("integrity", r);
        assertFalse(r.failure().message().contains("\n"), r.failure().message());
      }
    }
  }

  private static void assertFailsAt(String check, SignatureResult r) {
    assertFalse(r.verified(), "expected a failure at " + check);
    assertEquals(check, r.failure().name(), r.failure().message());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
