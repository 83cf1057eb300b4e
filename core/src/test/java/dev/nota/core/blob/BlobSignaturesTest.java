package dev.nota.core.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.NotaException;
import dev.nota.core.envelope.Envelopes;
import dev.nota.core.envelope.Payload;
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
import dev.nota.policy.BlobTrustPolicyDocument;
import dev.nota.policy.X509TrustStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BlobSignaturesTest {
  @TempDir Path temp;

  private LocalKey key(TestCertificates.KeySpec spec, Path store) throws Exception {
    TestCertificates.Generated g = TestCertificates.generate("blob-" + spec, spec, Duration.ofDays(2),
        Clock.systemUTC());
    Path dir = Files.createDirectories(store.resolve("x509/ca/signer"));
    Files.write(dir.resolve("root.pem"), Certificates.toPem(List.of(g.chain().get(g.chain().size() - 1))));
    return LocalKey.of(g.key(), g.chain());
  }

  private static PolicyStatement policy(String name) throws Exception {
    String json = "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"" + name + "\",\"globalPolicy\":true,"
        + "\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"ca:signer\"],"
        + "\"trustedIdentities\":[\"*\"]}]}";
    return PolicyStatement.of(BlobTrustPolicyDocument.parse(json.getBytes(StandardCharsets.UTF_8)).policy(null));
  }

  private EnvelopeVerifier verifier(Path store) {
    return new EnvelopeVerifier(new X509TrustStore(store), Clock.systemUTC(), RevocationChecker.OFFLINE,
        TimestampVerifier.UNSUPPORTED);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "RSA_2048, application/jose+json, sha256",
    "EC_384, application/cose, sha384",
    "EC_521, application/jose+json, sha512",
  })
  void signsWithTheDigestAlgorithmOfTheKeyAndVerifies(TestCertificates.KeySpec spec, String format, String alg)
      throws Exception {
    Path store = temp.resolve("store");
    LocalKey key = key(spec, store);
    Path file = Files.writeString(temp.resolve("sbom.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");

    byte[] envelope = BlobSignatures.sign(file, "application/spdx+json", key, Signer.Options.defaults(format));

    Descriptor signed = Payload.parse(Envelopes.parse(format, envelope).verify().payload()).targetArtifact();
    assertEquals(alg, signed.digest().algorithm().label());
    assertEquals(Files.size(file), signed.size());
    assertEquals("application/spdx+json", signed.mediaType());
    SignatureResult ok = BlobSignatures.verify(verifier(store), file, format, envelope, null, policy("g"), Map.of());
    assertTrue(ok.verified(), () -> String.valueOf(ok.failure()));
    SignatureResult typed = BlobSignatures.verify(verifier(store), file, format, envelope, "application/spdx+json",
        policy("g"), Map.of());
    assertTrue(typed.verified(), () -> String.valueOf(typed.failure()));
  }

  @Test
  void oneChangedByteOfTheFileFailsVerification() throws Exception {
    Path store = temp.resolve("store");
    LocalKey key = key(TestCertificates.KeySpec.EC_256, store);
    Path file = Files.writeString(temp.resolve("report.sarif"), "scan results: none found");
    byte[] envelope = BlobSignatures.sign(file, null, key, Signer.Options.defaults(MediaTypes.JWS));

    Files.writeString(file, "scan results: none founD");

    SignatureResult r = BlobSignatures.verify(verifier(store), file, MediaTypes.JWS, envelope, null, policy("g"),
        Map.of());
    assertFalse(r.verified());
    assertTrue(r.failure().message().startsWith("the signature is for sha256:"), r.failure().toString());
  }

  @Test
  void aDifferentMediaTypeThanSignedFails() throws Exception {
    Path store = temp.resolve("store");
    LocalKey key = key(TestCertificates.KeySpec.EC_256, store);
    Path file = Files.writeString(temp.resolve("a.bin"), "bytes");
    byte[] envelope = BlobSignatures.sign(file, null, key, Signer.Options.defaults(MediaTypes.COSE));

    SignatureResult r = BlobSignatures.verify(verifier(store), file, MediaTypes.COSE, envelope,
        "application/spdx+json", policy("g"), Map.of());
    assertFalse(r.verified());
  }

  @Test
  void signatureFileNamesFollowNotation() throws Exception {
    assertEquals("a.tar.gz.jws.sig", BlobSignatures.signatureFileName(Path.of("/x/a.tar.gz"), MediaTypes.JWS));
    assertEquals("a.cose.sig", BlobSignatures.signatureFileName(Path.of("a"), MediaTypes.COSE));
    assertEquals(MediaTypes.COSE, BlobSignatures.envelopeMediaType(Path.of("a.cose.sig")));
    NotaException e = assertThrows(NotaException.class, () -> BlobSignatures.envelopeMediaType(Path.of("a.sig")));
    assertTrue(e.getMessage().contains("must be named <file>.jws.sig or <file>.cose.sig"), e.getMessage());
  }

  @Test
  void badInputGetsOneLineErrors() throws Exception {
    LocalKey key = key(TestCertificates.KeySpec.EC_256, temp.resolve("store"));
    NotaException missing = assertThrows(NotaException.class, () -> BlobSignatures.sign(temp.resolve("absent"),
        null, key, Signer.Options.defaults(MediaTypes.JWS)));
    assertEquals("cannot read " + temp.resolve("absent") + ": no such file", missing.getMessage());
    Path file = Files.writeString(temp.resolve("f"), "x");
    NotaException type = assertThrows(NotaException.class, () -> BlobSignatures.sign(file, "not a type", key,
        Signer.Options.defaults(MediaTypes.JWS)));
    assertTrue(type.getMessage().startsWith("invalid media type \"not a type\""), type.getMessage());
    NotaException sig = assertThrows(NotaException.class, () -> BlobSignatures.readSignature(temp.resolve("no.sig")));
    assertTrue(sig.getMessage().endsWith("no such file"), sig.getMessage());
  }
}
