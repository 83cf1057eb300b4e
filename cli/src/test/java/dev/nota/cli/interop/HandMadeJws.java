package dev.nota.cli.interop;

import dev.nota.core.sign.Signer;
import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.Reference;
import dev.nota.oci.Target;
import dev.nota.oci.registry.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A PS256 JWS signature envelope built here, outside nota's signer and its key checks, and pushed with nota's
 * signature manifest: to show what each tool does with a signature neither would make (a leaf key of a kind the
 * rules forbid). Everything but the key follows the specification, which a control run with a plain key proves.
 */
final class HandMadeJws {
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private HandMadeJws() {}

  /**
   * Signs {@code artifact} in {@code repo} with the PKCS#8 PEM key in {@code keyFile} (a key of JCA type
   * {@code keyType}: "RSA" or "RSASSA-PSS") and pushes the signature; {@code chain} goes into {@code x5c}.
   */
  static void push(RegistryClient client, String repo, Descriptor artifact, Path keyFile, String keyType,
      List<X509Certificate> chain) throws Exception {
    PrivateKey key = KeyFactory.getInstance(keyType).generatePrivate(new PKCS8EncodedKeySpec(pkcs8(keyFile)));
    Signer.EnvelopeProducer producer = request -> {
      try {
        String header = "{\"alg\":\"PS256\",\"crit\":[\"io.cncf.notary.signingScheme\"],\"cty\":\""
            + MediaTypes.NOTARY_PAYLOAD + "\",\"io.cncf.notary.signingScheme\":\"notary.x509\","
            + "\"io.cncf.notary.signingTime\":\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\"}";
        String protectedHeader = URL.encodeToString(header.getBytes(StandardCharsets.UTF_8));
        String payload = URL.encodeToString(request.payload());
        Signature s = Signature.getInstance("RSASSA-PSS");
        s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        s.initSign(key);
        s.update((protectedHeader + "." + payload).getBytes(StandardCharsets.US_ASCII));
        StringBuilder x5c = new StringBuilder();
        for (X509Certificate c : chain) {
          x5c.append(x5c.length() == 0 ? "\"" : ",\"").append(Base64.getEncoder().encodeToString(c.getEncoded()))
              .append('"');
        }
        String jws = "{\"payload\":\"" + payload + "\",\"protected\":\"" + protectedHeader
            + "\",\"header\":{\"x5c\":[" + x5c + "]},\"signature\":\"" + URL.encodeToString(s.sign()) + "\"}";
        return new Signer.Produced(jws.getBytes(StandardCharsets.UTF_8), chain, Map.of());
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    };
    try (Target target = client.repository(Reference.parse(repo))) {
      Signer.sign(target, artifact, producer, Signer.Options.defaults(MediaTypes.JWS));
    }
  }

  /** The DER of the first {@code PRIVATE KEY} block of a PEM file. */
  private static byte[] pkcs8(Path file) throws Exception {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(file + " holds no PKCS#8 PRIVATE KEY block");
    }
    return Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
  }
}
