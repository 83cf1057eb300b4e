package dev.nota.core.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A public key as TUF metadata lists it: {@code keytype} and the base64 {@code keyval.public}. Its ID is the sha256
 * of the canonical key JSON (with {@code "private":null}); for {@code *-x509} types the public value is certificate
 * PEM text, so the ID covers the certificate, and {@link #canonicalId()} is the ID of the bare key that notary
 * prints and names private key files by.
 */
public record TufKey(String id, String type, String publicBase64) {
  private static final byte[] ED25519_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  /** Reads one entry of a {@code keys} map, checking that its content hashes to {@code id}. */
  static TufKey parse(String role, String id, JsonNode node) throws TufException {
    if (node == null || !node.isObject() || !node.path("keytype").isTextual()
        || !node.path("keyval").path("public").isTextual()) {
      throw TufException.verification(role, "key " + id + " is malformed");
    }
    TufKey key = new TufKey(computeId(node.get("keytype").textValue(), node.get("keyval").get("public").textValue()),
        node.get("keytype").textValue(), node.get("keyval").get("public").textValue());
    if (!key.id().equals(id)) {
      throw TufException.verification(role, "key ID " + id + " does not match its content (" + key.id() + ")");
    }
    return key;
  }

  /** The metadata key ID: hex sha256 of {@code {"keytype":T,"keyval":{"private":null,"public":B64}}}. */
  public static String computeId(String type, String publicBase64) {
    ObjectNode n = CanonicalJson.mapper().createObjectNode();
    n.put("keytype", type);
    ObjectNode v = n.putObject("keyval");
    v.putNull("private");
    v.put("public", publicBase64);
    try {
      return HexFormat.of().formatHex(sha256(CanonicalJson.write(n)));
    } catch (TufException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The canonical key JSON node of this key (for writing metadata). */
  public ObjectNode toJson() {
    ObjectNode n = CanonicalJson.mapper().createObjectNode();
    n.put("keytype", type);
    ObjectNode v = n.putObject("keyval");
    v.putNull("private");
    v.put("public", publicBase64);
    return n;
  }

  public boolean isX509() {
    return type.endsWith("-x509");
  }

  /** The certificates of an {@code *-x509} key, leaf first. */
  public List<X509Certificate> certificates(String role) throws TufException {
    if (!isX509()) {
      return List.of();
    }
    try {
      byte[] pem = Base64.getDecoder().decode(publicBase64);
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      for (var c : cf.generateCertificates(new ByteArrayInputStream(pem))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw TufException.verification(role, "key " + id + " holds no certificate");
      }
      return out;
    } catch (IllegalArgumentException | CertificateException e) {
      throw TufException.verification(role, "key " + id + " has an unreadable certificate: " + e.getMessage());
    }
  }

  /**
   * Why the certificate of an {@code *-x509} delegation key must not count at {@code now}, or null when it may (and
   * for bare keys): an inverted validity window, a SHA-1 signature or an RSA key under 2048 bits (what notary checks
   * on every read), or {@code now} outside the validity window, with notary's one day of leeway for a {@code
   * notBefore} in the future (notary checks that only when the key is added; nota at every verification).
   */
  String certificateProblem(String role, Instant now) throws TufException {
    if (!isX509()) {
      return null;
    }
    X509Certificate c = certificates(role).get(0);
    Instant from = c.getNotBefore().toInstant();
    Instant to = c.getNotAfter().toInstant();
    if (from.isAfter(to)) {
      return "its certificate's validity window is inverted";
    }
    if (c.getSigAlgName().toUpperCase(Locale.ROOT).contains("SHA1")) {
      return "its certificate is signed with SHA-1";
    }
    if (c.getPublicKey() instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
      return "its certificate has an RSA key under 2048 bits";
    }
    if (now.isAfter(to)) {
      return "its certificate expired at " + to;
    }
    if (now.plus(Duration.ofDays(1)).isBefore(from)) {
      return "its certificate is not valid before " + from;
    }
    return null;
  }

  /** The key that verifies signatures. */
  public PublicKey publicKey(String role) throws TufException {
    try {
      byte[] raw = Base64.getDecoder().decode(publicBase64);
      switch (type) {
        case "ecdsa-x509", "rsa-x509":
          return certificates(role).get(0).getPublicKey();
        case "ecdsa":
          return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(raw));
        case "rsa":
          return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(raw));
        case "ed25519": {
          if (raw.length != 32) {
            throw TufException.verification(role, "ed25519 key " + id + " is not 32 bytes");
          }
          byte[] spki = new byte[ED25519_PREFIX.length + 32];
          System.arraycopy(ED25519_PREFIX, 0, spki, 0, ED25519_PREFIX.length);
          System.arraycopy(raw, 0, spki, ED25519_PREFIX.length, 32);
          return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        }
        default:
          throw TufException.verification(role, "key " + id + " has unsupported type " + type);
      }
    } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
      throw TufException.verification(role, "key " + id + " (" + type + ") is unreadable: " + e.getMessage());
    }
  }

  /** The ID of the bare key (notary's "canonical" ID): equal to {@link #id()} except for {@code *-x509} keys. */
  public String canonicalId() {
    if (!isX509()) {
      return id;
    }
    try {
      PublicKey k = publicKey(null);
      return computeId(type.substring(0, type.length() - "-x509".length()),
          Base64.getEncoder().encodeToString(k.getEncoded()));
    } catch (TufException e) {
      return id;
    }
  }

  static byte[] sha256(byte[] b) {
    return digest("SHA-256", b);
  }

  static byte[] digest(String alg, byte[] b) {
    try {
      return MessageDigest.getInstance(alg).digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The base64 of a PEM certificate, as an {@code *-x509} key holds it. */
  public static String pemBase64(X509Certificate cert) {
    try {
      String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(cert.getEncoded());
      String pem = "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
      return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
