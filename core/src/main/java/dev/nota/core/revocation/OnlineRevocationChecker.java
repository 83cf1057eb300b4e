package dev.nota.core.revocation;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Revocation checking over the network the way notation 1.3 does it: every certificate but the root is checked
 * against the next one as its issuer; OCSP first when the certificate names a responder, then its CRLs when OCSP gave
 * no answer (down, bad answer, or OCSP "unknown") and it names CRL distribution points; CRLs alone otherwise; a
 * certificate naming neither is non-revokable. Unlike notation, OCSP responses are cached like CRLs (until nextUpdate)
 * and the timeouts are configurable. Concurrent checks of the same certificate within one checker wait for each other,
 * so a bulk verification asks each responder once per certificate.
 */
public final class OnlineRevocationChecker implements RevocationChecker {
  private final OcspCheck ocsp;
  private final CrlCheck crl;
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

  public OnlineRevocationChecker(RevocationOptions options) {
    Objects.requireNonNull(options, "options");
    RevocationHttp http = new RevocationHttp(options.proxy());
    RevocationCache cache = new RevocationCache(options.cacheDir());
    this.ocsp = new OcspCheck(http, cache, options);
    this.crl = new CrlCheck(http, cache, options);
  }

  @Override
  public String check(List<X509Certificate> chain, Instant signingTime) {
    return evaluate(chain, signingTime).failure();
  }

  /**
   * Checks {@code chain} (leaf first, root last). {@code signingTime} is the authentic signing time when there is one
   * (signing-authority scheme): an entry whose invalidity date is after it does not count as revoked. Null otherwise.
   */
  public ChainRevocation evaluate(List<X509Certificate> chain, Instant signingTime) {
    List<CertificateRevocation> results = new ArrayList<>();
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate cert = chain.get(i);
      if (i == chain.size() - 1) {
        results.add(new CertificateRevocation(cert, RevocationStatus.NON_REVOKABLE, "none", "root certificate"));
        continue;
      }
      X509Certificate issuer = chain.get(i + 1);
      Object lock = locks.computeIfAbsent(cert.getSerialNumber() + "/" + issuer.getSubjectX500Principal().getName(),
          k -> new Object());
      synchronized (lock) {
        results.add(checkOne(cert, issuer, signingTime));
      }
    }
    return new ChainRevocation(results);
  }

  private CertificateRevocation checkOne(X509Certificate cert, X509Certificate issuer, Instant signingTime) {
    List<String> ocspUrls;
    List<String> crlUrls;
    try {
      ocspUrls = OcspCheck.urls(cert);
      crlUrls = CrlCheck.urls(cert);
    } catch (RevocationUnavailable e) {
      return new CertificateRevocation(cert, RevocationStatus.UNKNOWN, "none", e.getMessage());
    }
    if (ocspUrls.isEmpty() && crlUrls.isEmpty()) {
      return new CertificateRevocation(cert, RevocationStatus.NON_REVOKABLE, "none",
          "names no OCSP responder or CRL distribution point");
    }
    List<String> problems = new ArrayList<>();
    if (!ocspUrls.isEmpty()) {
      for (String url : ocspUrls) {
        try {
          OcspCheck.Answer a = ocsp.ask(url, cert, issuer, signingTime);
          if (a.status() != RevocationStatus.UNKNOWN || crlUrls.isEmpty()) {
            return new CertificateRevocation(cert, a.status(), "OCSP", a.detail());
          }
          problems.add(a.detail());
          break; // an OCSP "unknown" is an answer: no other responder is asked, the CRLs are
        } catch (RevocationUnavailable e) {
          problems.add(e.getMessage());
        }
      }
      if (crlUrls.isEmpty()) {
        return new CertificateRevocation(cert, RevocationStatus.UNKNOWN, "OCSP", String.join("; ", problems));
      }
    }
    String method = ocspUrls.isEmpty() ? "CRL" : "OCSP, then CRL";
    try {
      CrlCheck.Answer a = crl.check(cert, issuer, signingTime);
      return new CertificateRevocation(cert, a.status(), method, a.detail());
    } catch (RevocationUnavailable e) {
      problems.add(e.getMessage());
      return new CertificateRevocation(cert, RevocationStatus.UNKNOWN, method, String.join("; ", problems));
    }
  }
}
