package dev.nota.core.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/** The root role: every key of the repository's top roles and which keys sign which role (notary's root.json). */
public record Root(SignedMetadata file, Map<String, TufKey> keys, Map<String, RoleKeys> roles) {
  static final List<String> TOP_ROLES = List.of("root", "targets", "snapshot", "timestamp");

  public Root {
    keys = Map.copyOf(keys);
    roles = Map.copyOf(roles);
  }

  static Root parse(byte[] raw, String what) throws TufException {
    SignedMetadata f = SignedMetadata.parse(what, "Root", raw);
    Map<String, TufKey> keys = parseKeys(what, f.body().get("keys"));
    Map<String, RoleKeys> roles = new LinkedHashMap<>();
    JsonNode r = f.body().get("roles");
    for (String name : TOP_ROLES) {
      RoleKeys rk = parseRoleKeys(what, name, r == null ? null : r.get(name));
      for (String id : rk.keyIds()) {
        if (!keys.containsKey(id)) {
          throw TufException.verification(what, "role " + name + " lists key " + id + " that is not in keys");
        }
      }
      roles.put(name, rk);
    }
    return new Root(f, keys, roles);
  }

  static Map<String, TufKey> parseKeys(String role, JsonNode node) throws TufException {
    if (node == null || !node.isObject()) {
      throw TufException.verification(role, "keys is missing");
    }
    Map<String, TufKey> keys = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      keys.put(e.getKey(), TufKey.parse(role, e.getKey(), e.getValue()));
    }
    return keys;
  }

  static RoleKeys parseRoleKeys(String role, String name, JsonNode node) throws TufException {
    if (node == null || !node.path("keyids").isArray() || !node.path("threshold").isIntegralNumber()) {
      throw TufException.verification(role, "role " + name + " is missing or malformed");
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode id : node.get("keyids")) {
      ids.add(id.asText());
    }
    int threshold = node.get("threshold").intValue();
    if (threshold < 1) {
      throw TufException.verification(role, "role " + name + " has threshold " + threshold + " (must be >= 1)");
    }
    return new RoleKeys(ids, threshold);
  }

  public int version() {
    return file.version();
  }

  /** Verifies this root's signatures with the root keys of {@code signer} (itself, or the root it replaces). */
  List<String> verifyWith(Root signer) throws TufException {
    return Signatures.verify(file, signer.keys, signer.roles.get("root"));
  }

  /**
   * Notary's root certificate rules: each {@code *-x509} root key holds a non-CA leaf whose CN is the GUN (or a
   * {@code prefix*} wildcard covering it), valid at {@code now}, not SHA-1 signed, RSA keys at least 2048 bits.
   */
  void checkCertificates(String gun, Instant now) throws TufException {
    String who = file.role();
    for (String id : roles.get("root").keyIds()) {
      TufKey key = keys.get(id);
      if (!key.isX509()) {
        continue;
      }
      X509Certificate leaf = key.certificates(who).get(0);
      String cn = commonName(leaf.getSubjectX500Principal());
      boolean match = cn != null && (cn.equals(gun) || (cn.endsWith("*") && gun.startsWith(cn.substring(0,
          cn.length() - 1))));
      if (!match) {
        throw TufException.verification(who, "root certificate CN \"" + cn + "\" does not match the GUN " + gun);
      }
      if (leaf.getBasicConstraints() >= 0) {
        throw TufException.verification(who, "root certificate for key " + id + " is a CA certificate");
      }
      if (leaf.getSigAlgName().toUpperCase(Locale.ROOT).contains("SHA1")) {
        throw TufException.verification(who, "root certificate for key " + id + " is signed with SHA-1");
      }
      PublicKey pk = leaf.getPublicKey();
      if (pk instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
        throw TufException.verification(who, "root certificate for key " + id + " has an RSA key under 2048 bits");
      }
      try {
        leaf.checkValidity(Date.from(now));
      } catch (java.security.cert.CertificateException e) {
        throw TufException.verification(who, "root certificate for key " + id + " is not valid at " + now + " ("
            + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant() + ")");
      }
    }
  }

  static String commonName(X500Principal p) {
    try {
      for (var rdn : new javax.naming.ldap.LdapName(p.getName(X500Principal.RFC2253)).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
    } catch (javax.naming.InvalidNameException e) {
      return null;
    }
    return null;
  }
}
