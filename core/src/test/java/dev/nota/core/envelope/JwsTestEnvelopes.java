package dev.nota.core.envelope;

import dev.nota.core.envelope.EnvelopeFixtures.TestKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Hand-built JWS envelopes, validly signed over whatever protected header a test needs. */
final class JwsTestEnvelopes {
  private JwsTestEnvelopes() {}

  static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  /** The four members as JSON; each argument is inserted as a JSON string. */
  static byte[] json(String payload, String protectedHeader, String x5c, String signature) {
    return ("{\"payload\":\"" + payload + "\",\"protected\":\"" + protectedHeader + "\",\"header\":{\"x5c\":[\""
        + x5c + "\"]},\"signature\":\"" + signature + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  /** An envelope with protected header {@code headerJson}, validly signed by the ES256 test key. */
  static byte[] signed(String headerJson) {
    return signed(headerJson, SignatureAlgorithm.ECDSA_SHA_256);
  }

  static byte[] signed(String headerJson, SignatureAlgorithm algorithm) {
    TestKey key = EnvelopeFixtures.key(algorithm);
    String header = URL.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8));
    String payload = URL.encodeToString(EnvelopeRoundTripTest.PAYLOAD);
    byte[] sig = EnvelopeFixtures.sign(key.privateKey(), algorithm,
        (header + "." + payload).getBytes(StandardCharsets.US_ASCII));
    try {
      return json(payload, header, Base64.getEncoder().encodeToString(key.certificate().getEncoded()),
          URL.encodeToString(sig));
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A valid notary.x509 protected header for ES256, with {@code extra} JSON members appended (",..." or ""). */
  static String header(String extra) {
    return "{\"alg\":\"ES256\",\"crit\":[\"io.cncf.notary.signingScheme\"],"
        + "\"cty\":\"application/vnd.cncf.notary.payload.v1+json\","
        + "\"io.cncf.notary.signingScheme\":\"notary.x509\","
        + "\"io.cncf.notary.signingTime\":\"2025-03-01T10:20:30Z\"" + extra + "}";
  }
}
