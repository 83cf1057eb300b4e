package dev.nota.core.tuf;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a role's signatures the way notary does ({@code tuf/signed/verify.go}), a little stricter: signatures by
 * keys outside the role are skipped, the threshold counts distinct keys, and a key is identified by its public key
 * bytes, so the same key listed twice (say bare and inside a certificate, which gives two key IDs) counts once.
 */
final class Signatures {
  private Signatures() {}

  /**
   * Verifies {@code file} against {@code roleKeys} drawn from {@code keys}; returns the IDs of the keys whose
   * signature verified.
   *
   * @throws TufException naming the role when there are no signatures or fewer distinct valid keys than the threshold
   */
  static List<String> verify(SignedMetadata file, Map<String, TufKey> keys, RoleKeys roleKeys) throws TufException {
    String role = file.role();
    if (file.signatures().isEmpty()) {
      throw TufException.verification(role, "no signatures");
    }
    if (roleKeys.threshold() < 1) {
      throw TufException.verification(role, "threshold " + roleKeys.threshold() + " is below 1");
    }
    List<String> valid = new ArrayList<>();
    Set<String> seenKeys = new HashSet<>();
    for (SignedMetadata.Signature s : file.signatures()) {
      if (!roleKeys.keyIds().contains(s.keyId()) || valid.contains(s.keyId())) {
        continue;
      }
      TufKey key = keys.get(s.keyId());
      if (key == null) {
        continue;
      }
      PublicKey pk = key.publicKey(role);
      if (!verifyOne(s.method().toLowerCase(Locale.ROOT), key.type(), pk, file.canonical(), s.sigBase64())) {
        continue;
      }
      String material = Base64.getEncoder().encodeToString(pk.getEncoded());
      if (seenKeys.add(material)) {
        valid.add(s.keyId());
      }
    }
    if (valid.size() < roleKeys.threshold()) {
      throw TufException.verification(role, "valid signatures from " + valid.size() + " distinct key(s) do not meet"
          + " the threshold " + roleKeys.threshold());
    }
    return List.copyOf(valid);
  }

  private static boolean verifyOne(String method, String keyType, PublicKey key, byte[] message, String sigB64) {
    byte[] sig;
    try {
      sig = Base64.getDecoder().decode(sigB64);
    } catch (IllegalArgumentException e) {
      return false;
    }
    try {
      Signature v;
      switch (method) {
        case "ecdsa":
          if (!(key instanceof ECPublicKey ec) || !keyType.startsWith("ecdsa")) {
            return false;
          }
          int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
          if (sig.length != 2 * size) {
            return false;
          }
          String alg = size <= 32 ? "SHA256withECDSA" : size <= 48 ? "SHA384withECDSA" : "SHA512withECDSA";
          v = Signature.getInstance(alg);
          sig = derSignature(Arrays.copyOfRange(sig, 0, size), Arrays.copyOfRange(sig, size, 2 * size));
          break;
        case "rsapss":
          if (!keyType.startsWith("rsa")) {
            return false;
          }
          v = Signature.getInstance("RSASSA-PSS");
          v.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
          break;
        case "rsapkcs1v15":
          if (!keyType.startsWith("rsa")) {
            return false;
          }
          v = Signature.getInstance("SHA256withRSA");
          break;
        case "eddsa":
          if (!keyType.equals("ed25519")) {
            return false;
          }
          v = Signature.getInstance("Ed25519");
          break;
        default:
          return false;
      }
      v.initVerify(key);
      v.update(message);
      return v.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static byte[] derSignature(byte[] r, byte[] s) {
    byte[] ri = new BigInteger(1, r).toByteArray();
    byte[] si = new BigInteger(1, s).toByteArray();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(0x02);
    writeLength(body, ri.length);
    body.writeBytes(ri);
    body.write(0x02);
    writeLength(body, si.length);
    body.writeBytes(si);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    writeLength(out, body.size());
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static void writeLength(ByteArrayOutputStream out, int n) {
    if (n < 128) {
      out.write(n);
    } else {
      out.write(0x81);
      out.write(n);
    }
  }
}
