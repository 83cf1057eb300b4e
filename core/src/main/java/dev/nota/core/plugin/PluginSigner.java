package dev.nota.core.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nota.core.NotaException;
import dev.nota.core.envelope.EnvelopeException;
import dev.nota.core.envelope.PrimitiveSigner;
import dev.nota.core.envelope.SignatureAlgorithm;
import dev.nota.core.x509.CertificateRules;
import dev.nota.core.x509.Certificates;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A {@link PrimitiveSigner} whose key a {@code SIGNATURE_GENERATOR.RAW} plugin holds: {@code describe-key} fixes the
 * algorithm, {@code generate-signature} signs the bytes nota computed and returns the certificate chain. Each answer
 * is checked: the key id echoed, the key spec and signing algorithm the ones described, a chain that follows the code
 * signing certificate rules and whose leaf key implies that algorithm, and a signature that verifies with that key.
 *
 * <p>The protocol returns the chain only with the signature, while envelope building asks for the chain first (to
 * check the algorithm) and uses it after signing. So until the plugin has signed, {@link #certificateChain()} holds a
 * throwaway stand-in certificate with a public key of the described key spec (never written anywhere); the list is a
 * view that shows the plugin's chain from the moment it is known. A builder that used the stand-in after signing would
 * fail, since the plugin's signature does not verify with it.
 */
public final class PluginSigner implements PrimitiveSigner {
  private final Plugin plugin;
  private final String keyId;
  private final Map<String, String> pluginConfig;
  private final SignatureAlgorithm algorithm;
  private final List<X509Certificate> standIn;
  private volatile List<X509Certificate> chain;

  private PluginSigner(Plugin plugin, String keyId, Map<String, String> pluginConfig, SignatureAlgorithm algorithm) {
    this.plugin = plugin;
    this.keyId = keyId;
    this.pluginConfig = Map.copyOf(pluginConfig);
    this.algorithm = algorithm;
    this.standIn = List.of(standIn(algorithm));
  }

  /**
   * The key {@code keyId} of {@code plugin}: checks the plugin's metadata (it must offer
   * {@code SIGNATURE_GENERATOR.RAW}) and describes the key.
   */
  public static PluginSigner open(Plugin plugin, String keyId, Map<String, String> pluginConfig)
      throws PluginException {
    PluginMetadata metadata = plugin.metadata(pluginConfig);
    if (!metadata.has(PluginMetadata.SIGNATURE_GENERATOR_RAW)) {
      throw new PluginException("plugin \"" + plugin.name() + "\" cannot sign raw signatures (capabilities "
          + metadata.capabilities() + ")");
    }
    return described(plugin, keyId, pluginConfig);
  }

  /** The key, described by the plugin; the caller has checked the plugin's capability. */
  static PluginSigner described(Plugin plugin, String keyId, Map<String, String> pluginConfig)
      throws PluginException {
    return new PluginSigner(plugin, keyId, pluginConfig, describeKey(plugin, keyId, pluginConfig));
  }

  /** {@code describe-key}: the algorithm of the plugin's key {@code keyId}. */
  static SignatureAlgorithm describeKey(Plugin plugin, String keyId, Map<String, String> pluginConfig)
      throws PluginException {
    ObjectNode request = Plugin.request(pluginConfig);
    request.put("keyId", keyId);
    JsonNode response = plugin.run("describe-key", request);
    requireKeyId(plugin, "describe-key", response, keyId);
    String keySpec = response.path("keySpec").asText("");
    for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
      if (a.keySpec().equals(keySpec)) {
        return a;
      }
    }
    throw plugin.invalid("describe-key", "unsupported keySpec \"" + PluginMetadata.abbreviate(keySpec) + "\"");
  }

  static void requireKeyId(Plugin plugin, String command, JsonNode response, String keyId) throws PluginException {
    String got = response.path("keyId").asText(null);
    if (!keyId.equals(got)) {
      throw plugin.invalid(command, "it answered for key \"" + (got == null ? "" : PluginMetadata.abbreviate(got))
          + "\", not the requested \"" + keyId + "\"");
    }
  }

  @Override
  public SignatureAlgorithm algorithm() {
    return algorithm;
  }

  @Override
  public List<X509Certificate> certificateChain() {
    return new AbstractList<>() {
      @Override
      public X509Certificate get(int index) {
        return current().get(index);
      }

      @Override
      public int size() {
        return current().size();
      }
    };
  }

  private List<X509Certificate> current() {
    List<X509Certificate> c = chain;
    return c != null ? c : standIn;
  }

  @Override
  public byte[] sign(byte[] toBeSigned) throws NotaException {
    ObjectNode request = Plugin.request(pluginConfig);
    request.put("keyId", keyId);
    request.put("keySpec", algorithm.keySpec());
    request.put("hashAlgorithm", algorithm.hashJcaName());
    request.put("payload", Base64.getEncoder().encodeToString(toBeSigned));
    JsonNode response = plugin.run("generate-signature", request);
    requireKeyId(plugin, "generate-signature", response, keyId);
    String signingAlgorithm = response.path("signingAlgorithm").asText("");
    if (!algorithm.specName().equals(signingAlgorithm)) {
      throw plugin.invalid("generate-signature", "signing algorithm \""
          + PluginMetadata.abbreviate(signingAlgorithm) + "\", but key \"" + keyId + "\" was described as "
          + algorithm.keySpec() + ", which needs " + algorithm.specName());
    }
    byte[] signature = base64(response.get("signature"), "signature");
    List<X509Certificate> certificates = certificates(response.get("certificateChain"));
    try {
      CertificateRules.checkCodeSigningChain(certificates, null);
    } catch (NotaException e) {
      throw plugin.invalid("generate-signature", "its certificate chain is not usable: " + e.getMessage());
    }
    SignatureAlgorithm implied;
    try {
      implied = SignatureAlgorithm.forKey(certificates.get(0).getPublicKey());
    } catch (EnvelopeException e) {
      throw plugin.invalid("generate-signature", "its signing certificate has an " + e.getMessage());
    }
    if (implied != algorithm) {
      throw plugin.invalid("generate-signature", "its signing certificate's key needs " + implied.specName()
          + ", but key \"" + keyId + "\" was described as " + algorithm.keySpec());
    }
    if (!algorithm.verify(certificates.get(0).getPublicKey(), toBeSigned, signature, false)) {
      throw plugin.invalid("generate-signature", "the " + algorithm.specName() + " signature does not verify with "
          + "its signing certificate (RSASSA-PSS must use salt length = hash length, ECDSA must be raw R||S)");
    }
    chain = List.copyOf(certificates);
    return signature;
  }

  private byte[] base64(JsonNode node, String field) throws PluginException {
    if (node == null || !node.isTextual() || node.textValue().isEmpty()) {
      throw plugin.invalid("generate-signature", "\"" + field + "\" is missing");
    }
    try {
      return Base64.getDecoder().decode(node.textValue());
    } catch (IllegalArgumentException e) {
      throw plugin.invalid("generate-signature", "\"" + field + "\" is not base64");
    }
  }

  private List<X509Certificate> certificates(JsonNode node) throws PluginException {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw plugin.invalid("generate-signature", "\"certificateChain\" is missing or empty");
    }
    List<X509Certificate> out = new ArrayList<>();
    for (JsonNode c : node) {
      byte[] der = base64(c, "certificateChain");
      try {
        List<X509Certificate> parsed = Certificates.parse(der);
        if (parsed.size() != 1) {
          throw plugin.invalid("generate-signature", "a \"certificateChain\" entry holds " + parsed.size()
              + " certificates, not one");
        }
        out.add(parsed.get(0));
      } catch (PluginException e) {
        throw e;
      } catch (NotaException e) {
        throw plugin.invalid("generate-signature", "a \"certificateChain\" entry is not a certificate: "
            + e.getMessage());
      }
    }
    return out;
  }

  /**
   * A self-issued certificate whose public key is of {@code algorithm}'s key spec, signed by a throwaway P-256 key:
   * for RSA an arbitrary modulus of the right length (no RSA key is generated), for EC a fresh key of the curve.
   */
  private static X509Certificate standIn(SignatureAlgorithm algorithm) {
    try {
      PublicKey key;
      if (algorithm.isRsa()) {
        int bits = Integer.parseInt(algorithm.keySpec().substring("RSA-".length()));
        BigInteger modulus = BigInteger.ONE.shiftLeft(bits - 1).add(BigInteger.ONE);
        key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, BigInteger.valueOf(65537)));
      } else {
        key = ecKeyPair(algorithm == SignatureAlgorithm.ECDSA_SHA_256 ? "secp256r1"
            : algorithm == SignatureAlgorithm.ECDSA_SHA_384 ? "secp384r1" : "secp521r1").getPublic();
      }
      KeyPair issuer = ecKeyPair("secp256r1");
      X500Name name = new X500Name("CN=nota plugin stand-in");
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
          Date.from(now), Date.from(now.plus(1, ChronoUnit.DAYS)), name, key)
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a stand-in certificate: " + e.getMessage(), e);
    }
  }

  private static KeyPair ecKeyPair(String curve) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }
}
