package dev.nota.core.verify;

import dev.nota.core.NotaException;
import dev.nota.core.envelope.EnvelopeContent;
import dev.nota.core.envelope.Envelopes;
import dev.nota.core.envelope.Payload;
import dev.nota.core.plugin.PluginException;
import dev.nota.core.plugin.PluginHost;
import dev.nota.core.plugin.PluginMetadata;
import dev.nota.core.plugin.VerificationPlugin;
import dev.nota.core.revocation.RevocationChecker;
import dev.nota.core.timestamp.TimestampVerifier;
import dev.nota.core.envelope.SignedAttributes;
import dev.nota.core.envelope.SigningScheme;
import dev.nota.core.x509.CertificateRules;
import dev.nota.oci.Descriptor;
import dev.nota.policy.PolicyException;
import dev.nota.policy.TrustStore;
import dev.nota.policy.TrustStoreRef;
import dev.nota.policy.TrustStoreType;
import dev.nota.policy.TrustedIdentity;
import dev.nota.policy.ValidationAction;
import dev.nota.policy.ValidationType;
import dev.nota.policy.VerifyTimestamp;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the checks of the Notary Project verification workflow on one signature envelope, in notation's order:
 * integrity, authenticity with trusted identity, expiry, authentic timestamp, revocation, then the signed target and
 * the user metadata. Each failure is enforced or logged by the policy's level; the first enforced failure ends the
 * evaluation.
 *
 * <p>An envelope that names a verification plugin (critical {@code io.cncf.notary.verificationPlugin}) is verified
 * with that plugin when plugins are set up ({@link #withPlugins}): after the integrity check the plugin must be
 * installed, new enough and able to verify; it then replaces the trusted-identity match and the revocation check for
 * the capabilities it has, and is asked for its verdicts after the built-in checks. Without plugins, or when any of
 * this fails, the signature fails at every level.
 */
public final class EnvelopeVerifier {
  private final TrustStore trustStore;
  private final Clock clock;
  private final RevocationChecker revocation;
  private final TimestampVerifier timestamps;
  private final PluginHost plugins;
  private final Map<String, String> pluginConfig;

  public EnvelopeVerifier(
      TrustStore trustStore, Clock clock, RevocationChecker revocation, TimestampVerifier timestamps) {
    this(trustStore, clock, revocation, timestamps, null, Map.of());
  }

  private EnvelopeVerifier(TrustStore trustStore, Clock clock, RevocationChecker revocation,
      TimestampVerifier timestamps, PluginHost plugins, Map<String, String> pluginConfig) {
    this.trustStore = trustStore;
    this.clock = clock;
    this.revocation = revocation;
    this.timestamps = timestamps;
    this.plugins = plugins;
    this.pluginConfig = Map.copyOf(pluginConfig);
  }

  /**
   * The same checks, running the verification plugins of {@code host} for envelopes that name one, with
   * {@code pluginConfig} passed to them (null host: no plugins).
   */
  public EnvelopeVerifier withPlugins(PluginHost host, Map<String, String> pluginConfig) {
    return new EnvelopeVerifier(trustStore, clock, revocation, timestamps, host,
        pluginConfig == null ? Map.of() : pluginConfig);
  }

  /** The trust store the checks read. */
  public TrustStore trustStore() {
    return trustStore;
  }

  /** The same checks, reading {@code store} instead. */
  public EnvelopeVerifier withTrustStore(TrustStore store) {
    return new EnvelopeVerifier(store, clock, revocation, timestamps, plugins, pluginConfig);
  }

  /**
   * Verifies {@code envelope} as a signature of {@code expectedTarget} under {@code policy}.
   *
   * @param signatureManifest the signature manifest the envelope came from (null for a detached envelope)
   * @param userMetadata key/value pairs that must be present in the signed payload's annotations
   */
  public SignatureResult verify(
      Descriptor signatureManifest,
      String mediaType,
      byte[] envelope,
      Descriptor expectedTarget,
      PolicyStatement policy,
      Map<String, String> userMetadata) {
    Run run = new Run(policy);
    EnvelopeContent content = null;
    try {
      content = Envelopes.parse(mediaType, envelope).verify();
      CertificateRules.checkCodeSigningChain(content.certificateChain(), null);
      run.pass(ValidationType.INTEGRITY, null);
    } catch (NotaException e) {
      run.fail(ValidationType.INTEGRITY, e.getMessage());
    }
    if (content != null && !run.stopped()) {
      check(content, expectedTarget, policy, userMetadata, run);
    }
    return new SignatureResult(signatureManifest, mediaType, content, run.results, null);
  }

  private void check(
      EnvelopeContent content,
      Descriptor expectedTarget,
      PolicyStatement policy,
      Map<String, String> userMetadata,
      Run run) {
    SignedAttributes signed = content.signedAttributes();
    List<X509Certificate> chain = content.certificateChain();
    Instant now = clock.instant();

    // A signature that needs a verification plugin nota cannot run, or carries critical attributes no one can
    // process, is inconclusive: it fails at every level, as the plugin specification requires.
    VerificationPlugin plugin = null;
    if (signed.verificationPlugin() != null) {
      if (plugins == null) {
        run.failAlways(ValidationType.INTEGRITY, "the signature requires verification plugin \""
            + signed.verificationPlugin() + "\", and plugins are not enabled for this verification");
        return;
      }
      try {
        plugin = VerificationPlugin.locate(
            plugins, signed.verificationPlugin(), signed.verificationPluginMinVersion(), pluginConfig);
      } catch (PluginException e) {
        run.failAlways(ValidationType.INTEGRITY, e.getMessage());
        return;
      }
    } else if (!content.unprocessedCriticalKeys().isEmpty()) {
      run.failAlways(ValidationType.INTEGRITY,
          "the signature has critical attributes nota cannot process: " + content.unprocessedCriticalKeys());
      return;
    }

    // Authenticity: the chain ends in a certificate of a trust store of the type the signing scheme requires,
    // and the leaf's subject is a trusted identity.
    TrustStoreType storeType = signed.signingScheme() == SigningScheme.X509_SIGNING_AUTHORITY
        ? TrustStoreType.SIGNING_AUTHORITY
        : TrustStoreType.CA;
    String authenticity = authenticityProblem(chain, policy, storeType);
    boolean pluginIdentity = plugin != null && plugin.handles(PluginMetadata.SIGNATURE_VERIFIER_TRUSTED_IDENTITY);
    boolean pluginRevocation = plugin != null && plugin.handles(PluginMetadata.SIGNATURE_VERIFIER_REVOCATION_CHECK);
    if (authenticity == null && !pluginIdentity) {
      authenticity = identityProblem(chain.get(0), policy.trustedIdentities());
    }
    run.result(ValidationType.AUTHENTICITY, authenticity);
    if (run.stopped()) {
      return;
    }

    // Expiry of the signature itself.
    if (signed.expiry() != null && !now.isBefore(signed.expiry())) {
      run.result(ValidationType.EXPIRY, "digital signature has expired on \"" + rfc1123(signed.expiry()) + "\"");
    } else {
      run.pass(ValidationType.EXPIRY, null);
    }
    if (run.stopped()) {
      return;
    }

    run.result(ValidationType.AUTHENTIC_TIMESTAMP, timestampProblem(content, policy, now));
    if (run.stopped()) {
      return;
    }

    if (!pluginRevocation
        && policy.signatureVerification().action(ValidationType.REVOCATION) != ValidationAction.SKIP) {
      Instant signingTime = signed.authenticSigningTime() != null ? signed.authenticSigningTime() : null;
      run.result(ValidationType.REVOCATION, revocation.check(chain, signingTime));
      if (run.stopped()) {
        return;
      }
    }

    if (plugin != null && !pluginChecks(plugin, content, policy, run)) {
      return;
    }
    checkPayload(content, expectedTarget, userMetadata, run);
  }

  /**
   * Asks the verification plugin for the checks it took over and the policy does not skip, and records its verdicts
   * as authenticity (trusted identity) and revocation results. Returns whether evaluation goes on.
   */
  private boolean pluginChecks(VerificationPlugin plugin, EnvelopeContent content, PolicyStatement policy, Run run) {
    List<String> capabilities = new ArrayList<>();
    if (plugin.handles(PluginMetadata.SIGNATURE_VERIFIER_TRUSTED_IDENTITY)
        && policy.signatureVerification().action(ValidationType.AUTHENTICITY) != ValidationAction.SKIP) {
      capabilities.add(PluginMetadata.SIGNATURE_VERIFIER_TRUSTED_IDENTITY);
    }
    if (plugin.handles(PluginMetadata.SIGNATURE_VERIFIER_REVOCATION_CHECK)
        && policy.signatureVerification().action(ValidationType.REVOCATION) != ValidationAction.SKIP) {
      capabilities.add(PluginMetadata.SIGNATURE_VERIFIER_REVOCATION_CHECK);
    }
    if (capabilities.isEmpty()) {
      if (!content.unprocessedCriticalKeys().isEmpty()) {
        run.failAlways(ValidationType.INTEGRITY, "the signature has critical attributes "
            + content.unprocessedCriticalKeys() + " that only verification plugin \"" + plugin.name()
            + "\" could process, and the trust policy asks it for nothing");
        return false;
      }
      return true;
    }
    Map<String, VerificationPlugin.Result> results;
    try {
      results = plugin.verify(content,
          policy.trustedIdentities().stream().map(Object::toString).toList(), capabilities);
    } catch (PluginException e) {
      run.failAlways(ValidationType.INTEGRITY, e.getMessage());
      return false;
    }
    for (Map.Entry<String, VerificationPlugin.Result> e : results.entrySet()) {
      VerificationPlugin.Result r = e.getValue();
      String reason = r.reason().isEmpty() ? "" : ": " + r.reason().replaceAll("\\p{Cntrl}", " ");
      if (e.getKey().equals(PluginMetadata.SIGNATURE_VERIFIER_TRUSTED_IDENTITY)) {
        run.result(ValidationType.AUTHENTICITY, r.success() ? null
            : "trusted identity verification by plugin \"" + plugin.name() + "\" failed" + reason);
      } else {
        run.result(ValidationType.REVOCATION, r.success() ? null
            : "revocation check by verification plugin \"" + plugin.name() + "\" failed" + reason);
      }
      if (run.stopped()) {
        return false;
      }
    }
    return true;
  }

  private static void checkPayload(
      EnvelopeContent content, Descriptor expectedTarget, Map<String, String> userMetadata, Run run) {
    Payload payload;
    try {
      payload = Payload.parse(content.payload());
    } catch (NotaException e) {
      run.failAlways(ValidationType.INTEGRITY, e.getMessage());
      return;
    }
    Descriptor signed = payload.targetArtifact();
    if (expectedTarget != null && !signed.sameContent(expectedTarget)) {
      run.failAlways(null, "the signature is for " + signed.digest() + " (" + signed.mediaType() + ", "
          + signed.size() + " bytes), not for " + expectedTarget.digest() + " (" + expectedTarget.mediaType()
          + ", " + expectedTarget.size() + " bytes)");
      return;
    }
    for (Map.Entry<String, String> e : userMetadata.entrySet()) {
      String actual = signed.annotations().get(e.getKey());
      if (!e.getValue().equals(actual)) {
        run.failAlways(null, "the signed user metadata has " + e.getKey() + "="
            + (actual == null ? "(absent)" : actual) + ", required " + e.getKey() + "=" + e.getValue());
        return;
      }
    }
  }

  private String authenticityProblem(List<X509Certificate> chain, PolicyStatement policy, TrustStoreType type) {
    List<TrustStoreRef> refs = policy.trustStores().stream().filter(r -> r.type() == type).toList();
    if (refs.isEmpty()) {
      return "trust policy \"" + policy.name() + "\" names no trust store of type " + type.value()
          + ", which this signature's signing scheme requires";
    }
    List<X509Certificate> anchors;
    try {
      anchors = certificates(refs);
    } catch (PolicyException e) {
      return e.getMessage();
    }
    for (X509Certificate c : chain) {
      for (X509Certificate anchor : anchors) {
        if (sameCertificate(c, anchor)) {
          return null;
        }
      }
    }
    return "the signature's certificate chain does not contain any trusted certificate of trust store(s) "
        + refs.stream().map(r -> r.type().value() + ":" + r.name()).toList()
        + " (signed by \"" + chain.get(0).getSubjectX500Principal().getName() + "\")";
  }

  /** Every certificate of the named stores. */
  private List<X509Certificate> certificates(List<TrustStoreRef> refs) throws PolicyException {
    List<X509Certificate> out = new ArrayList<>();
    for (TrustStoreRef ref : refs) {
      out.addAll(trustStore.certificates(ref.type(), ref.name()));
    }
    return out;
  }

  private static String identityProblem(X509Certificate leaf, List<TrustedIdentity> identities) {
    for (TrustedIdentity identity : identities) {
      if (identity.matches(leaf.getSubjectX500Principal())) {
        return null;
      }
    }
    return "signing certificate from the digital signature does not match the X.509 trusted identities of the "
        + "trust policy (subject \"" + leaf.getSubjectX500Principal().getName() + "\")";
  }

  private String timestampProblem(EnvelopeContent content, PolicyStatement policy, Instant now) {
    SignedAttributes signed = content.signedAttributes();
    List<X509Certificate> chain = content.certificateChain();
    if (signed.signingScheme() == SigningScheme.X509_SIGNING_AUTHORITY) {
      return validityProblem(chain, signed.authenticSigningTime(), "authentic signing time");
    }
    List<TrustStoreRef> tsaStores =
        policy.trustStores().stream().filter(r -> r.type() == TrustStoreType.TSA).toList();
    String invalidNow = validityProblem(chain, now, "verification time");
    boolean triggered = !tsaStores.isEmpty()
        && (policy.signatureVerification().verifyTimestamp() != VerifyTimestamp.AFTER_CERT_EXPIRY
            || invalidNow != null);
    if (!triggered) {
      return invalidNow;
    }
    byte[] token = content.unsignedAttributes() == null ? null : content.unsignedAttributes().timestampSignature();
    if (token == null) {
      return "no timestamp countersignature was found in the signature envelope, and trust policy \""
          + policy.name() + "\" requires one";
    }
    try {
      timestamps.verify(token, content.signature(), content.algorithm(), certificates(tsaStores), chain);
      return null;
    } catch (PolicyException e) {
      return e.getMessage();
    } catch (NotaException e) {
      return e.getMessage();
    }
  }

  private static String validityProblem(List<X509Certificate> chain, Instant at, String what) {
    for (X509Certificate c : chain) {
      if (at.isBefore(c.getNotBefore().toInstant())) {
        return what + " is before certificate \"" + c.getSubjectX500Principal().getName()
            + "\" validity period, it will be valid from \"" + rfc1123(c.getNotBefore().toInstant()) + "\"";
      }
      if (at.isAfter(c.getNotAfter().toInstant())) {
        return what + " is after certificate \"" + c.getSubjectX500Principal().getName()
            + "\" validity period, it was expired at \"" + rfc1123(c.getNotAfter().toInstant()) + "\"";
      }
    }
    return null;
  }

  /** Times in messages as notation prints them, e.g. {@code Tue, 27 Jun 2023 06:10:00 +0000}. */
  static String rfc1123(Instant t) {
    return RFC1123.format(t);
  }

  private static final DateTimeFormatter RFC1123 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  private static boolean sameCertificate(X509Certificate a, X509Certificate b) {
    try {
      return Arrays.equals(a.getEncoded(), b.getEncoded());
    } catch (CertificateEncodingException e) {
      return false;
    }
  }

  /** The results of one evaluation, with the policy's actions applied. */
  private static final class Run {
    final PolicyStatement policy;
    final List<CheckResult> results = new ArrayList<>();

    Run(PolicyStatement policy) {
      this.policy = policy;
    }

    void result(ValidationType type, String problem) {
      if (problem == null) {
        pass(type, null);
      } else {
        fail(type, problem);
      }
    }

    void pass(ValidationType type, String note) {
      results.add(new CheckResult(type, policy.signatureVerification().action(type), true, note));
    }

    void fail(ValidationType type, String problem) {
      results.add(new CheckResult(type, policy.signatureVerification().action(type), false, problem));
    }

    void failAlways(ValidationType type, String problem) {
      results.add(new CheckResult(type, ValidationAction.ENFORCE, false, problem));
    }

    boolean stopped() {
      return results.stream().anyMatch(CheckResult::fatal);
    }
  }
}
