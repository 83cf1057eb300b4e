package dev.nota.core.tuf;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A Notary v1 repository made in the test, with fresh keys, written with nota's canonical JSON in notary's byte
 * layout; tests change a role and re-sign to build attacks. Files go to a directory in the server's layout
 * ({@code <role>.json}, {@code <role>.<sha256>.json}, {@code <version>.<role>.json}).
 */
public final class TestRepo {
  /** A key pair as metadata lists it. */
  record Key(TufKey pub, PrivateKey priv, X509Certificate cert) {}

  /** A delegation entry written into a parent's metadata. */
  record Deleg(String name, List<Key> keys, int threshold, List<String> paths) {}

  final String gun;
  final Instant now;
  Key rootKey;
  Key targetsKey = ecdsa();
  List<Key> targetsKeys;
  int targetsThreshold = 1;
  Key snapshotKey = ecdsa();
  Key timestampKey = ed25519();
  Instant expires;
  Instant timestampExpires;
  final Map<String, byte[]> current = new LinkedHashMap<>();
  final Map<String, Integer> versions = new LinkedHashMap<>();
  final Map<String, Map<String, byte[]>> targets = new LinkedHashMap<>();
  final Map<String, List<Deleg>> delegations = new LinkedHashMap<>();
  final Map<String, List<Key>> signers = new LinkedHashMap<>();

  public TestRepo(String gun, Instant now) {
    this.gun = gun;
    this.now = now;
    this.rootKey = ecdsaX509(gun, now);
    this.expires = now.plus(Duration.ofDays(365));
    this.timestampExpires = now.plus(Duration.ofDays(14));
    targets.put("targets", new LinkedHashMap<>());
    targetsKeys = List.of(targetsKey);
  }

  // ------------------------------------------------------------------ keys

  static Key ecdsa() {
    KeyPair kp = ecPair();
    return new Key(key("ecdsa", kp.getPublic().getEncoded()), kp.getPrivate(), null);
  }

  static Key ed25519() {
    try {
      KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] spki = kp.getPublic().getEncoded();
      return new Key(key("ed25519", Arrays.copyOfRange(spki, spki.length - 32, spki.length)), kp.getPrivate(), null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Key rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      KeyPair kp = g.generateKeyPair();
      return new Key(key("rsa", kp.getPublic().getEncoded()), kp.getPrivate(), null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Key ecdsaX509(String cn, Instant now) {
    return ecdsaX509(cn, now, false);
  }

  /** A self-signed P-256 certificate; {@code tlsServer} adds the SAN IP 127.0.0.1 for a loopback TLS server. */
  static Key ecdsaX509(String cn, Instant now, boolean tlsServer) {
    try {
      KeyPair kp = ecPair();
      var b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + cn), BigInteger.valueOf(now.toEpochMilli()),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(3650))),
          new X500Name("CN=" + cn), kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      if (tlsServer) {
        b.addExtension(Extension.subjectAlternativeName, false, new org.bouncycastle.asn1.x509.GeneralNames(
            new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.iPAddress,
                "127.0.0.1")));
      }
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
      return new Key(key("ecdsa-x509", null, TufKey.pemBase64(cert)), kp.getPrivate(), cert);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same key pair as {@code k}, listed as a bare ecdsa key (a second key ID for one key). */
  static Key bare(Key k) {
    return new Key(key("ecdsa", k.cert().getPublicKey().getEncoded()), k.priv(), null);
  }

  private static KeyPair ecPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static TufKey key(String type, byte[] raw) {
    return key(type, raw, Base64.getEncoder().encodeToString(raw));
  }

  private static TufKey key(String type, byte[] raw, String b64) {
    return new TufKey(TufKey.computeId(type, b64), type, b64);
  }

  // ------------------------------------------------------------------ signing

  /** The file bytes notary would write: {@code {"signed":<canonical>,"signatures":[...]}}. */
  static byte[] sign(ObjectNode body, List<Key> keys) {
    try {
      byte[] canonical = CanonicalJson.write(body);
      ArrayNode sigs = CanonicalJson.mapper().createArrayNode();
      for (Key k : keys) {
        ObjectNode s = sigs.addObject();
        s.put("keyid", k.pub().id());
        String type = k.pub().type();
        Signature sig;
        if (type.startsWith("ecdsa")) {
          s.put("method", "ecdsa");
          sig = Signature.getInstance("SHA256withECDSA");
        } else if (type.startsWith("rsa")) {
          s.put("method", "rsapss");
          sig = Signature.getInstance("RSASSA-PSS");
          sig.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        } else {
          s.put("method", "eddsa");
          sig = Signature.getInstance("Ed25519");
        }
        sig.initSign(k.priv());
        sig.update(canonical);
        byte[] out = sig.sign();
        if (type.startsWith("ecdsa")) {
          out = rawEcdsa(out);
        }
        s.put("sig", Base64.getEncoder().encodeToString(out));
      }
      ByteArrayOutputStream file = new ByteArrayOutputStream();
      file.writeBytes("{\"signed\":".getBytes(StandardCharsets.UTF_8));
      file.writeBytes(canonical);
      file.writeBytes(",\"signatures\":".getBytes(StandardCharsets.UTF_8));
      file.writeBytes(CanonicalJson.write(sigs));
      file.writeBytes("}".getBytes(StandardCharsets.UTF_8));
      return file.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] rawEcdsa(byte[] der) {
    ASN1Sequence seq = ASN1Sequence.getInstance(der);
    byte[] out = new byte[64];
    for (int i = 0; i < 2; i++) {
      byte[] v = ASN1Integer.getInstance(seq.getObjectAt(i)).getPositiveValue().toByteArray();
      int start = v.length > 32 ? v.length - 32 : 0;
      System.arraycopy(v, start, out, i * 32 + 32 - (v.length - start), v.length - start);
    }
    return out;
  }

  // ------------------------------------------------------------------ bodies

  ObjectNode rootBody(int version, List<Key> rootKeys, int rootThreshold) {
    ObjectNode b = body("Root", version, expires);
    b.put("consistent_snapshot", false);
    ObjectNode keys = b.putObject("keys");
    ObjectNode roles = b.putObject("roles");
    addRole(keys, roles, "root", rootKeys, rootThreshold);
    addRole(keys, roles, "targets", targetsKeys, targetsThreshold);
    addRole(keys, roles, "snapshot", List.of(snapshotKey), 1);
    addRole(keys, roles, "timestamp", List.of(timestampKey), 1);
    return b;
  }

  private static void addRole(ObjectNode keys, ObjectNode roles, String name, List<Key> ks, int threshold) {
    ObjectNode r = roles.putObject(name);
    ArrayNode ids = r.putArray("keyids");
    for (Key k : ks) {
      keys.set(k.pub().id(), k.pub().toJson());
      ids.add(k.pub().id());
    }
    r.put("threshold", threshold);
  }

  ObjectNode targetsBody(String role, int version) {
    ObjectNode b = body("Targets", version, expires);
    ObjectNode t = b.putObject("targets");
    for (var e : targets.getOrDefault(role, Map.of()).entrySet()) {
      t.set(e.getKey(), meta(e.getValue()));
    }
    ObjectNode d = b.putObject("delegations");
    ObjectNode keys = d.putObject("keys");
    ArrayNode roles = d.putArray("roles");
    for (Deleg dl : delegations.getOrDefault(role, List.of())) {
      ObjectNode r = roles.addObject();
      ArrayNode ids = r.putArray("keyids");
      for (Key k : dl.keys()) {
        keys.set(k.pub().id(), k.pub().toJson());
        ids.add(k.pub().id());
      }
      r.put("name", dl.name());
      ArrayNode paths = r.putArray("paths");
      dl.paths().forEach(paths::add);
      r.put("threshold", dl.threshold());
    }
    return b;
  }

  static ObjectNode meta(byte[] content) {
    ObjectNode m = CanonicalJson.mapper().createObjectNode();
    ObjectNode h = m.putObject("hashes");
    h.put("sha256", Base64.getEncoder().encodeToString(TufKey.sha256(content)));
    h.put("sha512", Base64.getEncoder().encodeToString(TufKey.digest("SHA-512", content)));
    m.put("length", content.length);
    return m;
  }

  private static ObjectNode body(String type, int version, Instant expires) {
    ObjectNode b = CanonicalJson.mapper().createObjectNode();
    b.put("_type", type);
    b.put("expires", expires.toString());
    b.put("version", version);
    return b;
  }

  // ------------------------------------------------------------------ publishing

  int bump(String role) {
    int v = versions.getOrDefault(role, 0) + 1;
    versions.put(role, v);
    return v;
  }

  void publishRoot(List<Key> rootKeys, int threshold, List<Key> sigKeys) {
    put("root", sign(rootBody(bump("root"), rootKeys, threshold), sigKeys));
  }

  void publishTargets(String role) {
    put(role, sign(targetsBody(role, bump(role)), signers.getOrDefault(role, List.of(targetsKey))));
  }

  void publishSnapshotAndTimestamp() {
    ObjectNode s = body("Snapshot", bump("snapshot"), expires);
    ObjectNode m = s.putObject("meta");
    for (var e : current.entrySet()) {
      if (!e.getKey().equals("snapshot") && !e.getKey().equals("timestamp")) {
        m.set(e.getKey(), meta(e.getValue()));
      }
    }
    put("snapshot", sign(s, List.of(snapshotKey)));
    publishTimestamp();
  }

  void publishTimestamp() {
    ObjectNode t = body("Timestamp", bump("timestamp"), timestampExpires);
    t.putObject("meta").set("snapshot", meta(current.get("snapshot")));
    put("timestamp", sign(t, List.of(timestampKey)));
  }

  /** Adds {@code name} with {@code content} to the top-level targets role (before {@link #publishAll()}). */
  public TestRepo target(String name, byte[] content) {
    targets.get("targets").put(name, content);
    return this;
  }

  /** A full first publish: root v1, targets (and delegations), snapshot, timestamp. */
  public TestRepo publishAll() {
    if (!current.containsKey("root")) {
      publishRoot(List.of(rootKey), 1, List.of(rootKey));
    }
    for (String role : targets.keySet()) {
      publishTargets(role);
    }
    publishSnapshotAndTimestamp();
    return this;
  }

  void put(String role, byte[] bytes) {
    current.put(role, bytes);
    versionsFiles.put(role + "@" + versions.getOrDefault(role, 0), bytes);
  }

  final Map<String, byte[]> versionsFiles = new LinkedHashMap<>();

  /** Writes every current file, its by-hash name and every version, in the server's layout. */
  public Path writeTo(Path dir) throws Exception {
    for (var e : versionsFiles.entrySet()) {
      String role = e.getKey().substring(0, e.getKey().indexOf('@'));
      String v = e.getKey().substring(e.getKey().indexOf('@') + 1);
      write(dir, v + "." + role + ".json", e.getValue());
      write(dir, role + "." + HexFormat.of().formatHex(TufKey.sha256(e.getValue())) + ".json", e.getValue());
    }
    for (var e : current.entrySet()) {
      write(dir, e.getKey() + ".json", e.getValue());
    }
    return dir;
  }

  /** Writes only the current files under plain names (a client cache / trust dir). */
  Path writeCache(Path dir) throws Exception {
    for (var e : current.entrySet()) {
      write(dir, e.getKey() + ".json", e.getValue());
    }
    return dir;
  }

  static void write(Path dir, String name, byte[] bytes) throws Exception {
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    Files.write(f, bytes);
  }
}
