package dev.nota.cli;

import dev.nota.core.envelope.EnvelopeContent;
import dev.nota.core.envelope.SignedAttributes;
import dev.nota.core.verify.CheckResult;
import dev.nota.core.verify.SignatureResult;
import dev.nota.core.verify.VerificationOutcome;
import dev.nota.core.x509.Certificates;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns results into the plain maps that {@code --output json} prints; field names are nota's stable output. */
final class Reports {
  private Reports() {}

  static Map<String, Object> outcome(String reference, VerificationOutcome outcome) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reference", reference);
    m.put("digest", outcome.artifact().digest().toString());
    m.put("mediaType", outcome.artifact().mediaType());
    m.put("trustPolicy", outcome.policyName());
    m.put("result", outcome.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    List<Object> sigs = new ArrayList<>();
    for (SignatureResult r : outcome.signatures()) {
      sigs.add(signature(r));
    }
    m.put("signatures", sigs);
    return m;
  }

  static Map<String, Object> signature(SignatureResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (r.signatureManifest() != null) {
      m.put("digest", r.signatureManifest().digest().toString());
    }
    if (r.envelopeMediaType() != null) {
      m.put("signatureEnvelopeType", r.envelopeMediaType());
    }
    m.put("verified", r.verified());
    if (r.skippedReason() != null) {
      m.put("skipped", r.skippedReason());
    }
    if (r.content() != null) {
      m.putAll(envelopeSummary(r.content()));
    }
    List<Object> checks = new ArrayList<>();
    for (CheckResult c : r.checks()) {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("check", c.name());
      cm.put("action", c.action().name().toLowerCase(java.util.Locale.ROOT));
      cm.put("passed", c.passed());
      if (c.message() != null) {
        cm.put("message", c.message());
      }
      checks.add(cm);
    }
    m.put("checks", checks);
    return m;
  }

  static Map<String, Object> envelopeSummary(EnvelopeContent content) {
    Map<String, Object> m = new LinkedHashMap<>();
    SignedAttributes a = content.signedAttributes();
    m.put("signatureAlgorithm", content.algorithm().specName());
    m.put("signingScheme", a.signingScheme().value());
    if (a.signingTime() != null) {
      m.put("signingTime", a.signingTime().toString());
    }
    if (a.authenticSigningTime() != null) {
      m.put("authenticSigningTime", a.authenticSigningTime().toString());
    }
    if (a.expiry() != null) {
      m.put("expiry", a.expiry().toString());
    }
    if (content.unsignedAttributes() != null && content.unsignedAttributes().signingAgent() != null) {
      m.put("signingAgent", content.unsignedAttributes().signingAgent());
    }
    List<Object> certs = new ArrayList<>();
    for (X509Certificate c : content.certificateChain()) {
      certs.add(certificate(c));
    }
    m.put("certificates", certs);
    return m;
  }

  static Map<String, Object> certificate(X509Certificate c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("SHA256Fingerprint", Certificates.sha256Thumbprint(c));
    m.put("issuedTo", c.getSubjectX500Principal().getName());
    m.put("issuedBy", c.getIssuerX500Principal().getName());
    m.put("expiry", c.getNotAfter().toInstant().toString());
    return m;
  }
}
