package dev.nota.core.revocation;

import java.io.IOException;
import java.net.URI;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * OCSP (RFC 6960) for one certificate: a POSTed request with a SHA-1 CertID (what public responders answer, as
 * notation uses) and a nonce, and a response trusted only when it is signed by the issuer itself or by a responder
 * certificate the issuer issued with id-kp-OCSPSigning, is about exactly the certificate asked for, and is fresh
 * (thisUpdate not in the future, nextUpdate present and not passed). Valid responses are cached until nextUpdate.
 */
final class OcspCheck {
  private static final class Bc {
    static final BouncyCastleProvider BC = new BouncyCastleProvider();
  }
  /** Seeded on the first OCSP request, not by every verify that never makes one (measured: ~1.5 ms cold). */
  private static final class Nonces {
    static final SecureRandom RANDOM = new SecureRandom();
  }
  private static final Duration SKEW = Duration.ofMinutes(5);
  private static final String KIND = "ocsp";

  /** One responder's trustworthy answer. */
  record Answer(RevocationStatus status, String detail) {}

  private final RevocationHttp http;
  private final RevocationCache cache;
  private final RevocationOptions options;
  private DigestCalculatorProvider digests;

  OcspCheck(RevocationHttp http, RevocationCache cache, RevocationOptions options) {
    this.http = http;
    this.cache = cache;
    this.options = options;
  }

  private synchronized DigestCalculatorProvider digests() {
    if (digests == null) {
      try {
        digests = new JcaDigestCalculatorProviderBuilder().setProvider(Bc.BC).build();
      } catch (OperatorCreationException e) {
        throw new IllegalStateException(e);
      }
    }
    return digests;
  }

  /** Asks one responder; an answer is good, revoked or OCSP "unknown"; anything untrustworthy throws. */
  Answer ask(String urlText, X509Certificate cert, X509Certificate issuer, Instant signingTime)
      throws RevocationUnavailable {
    URI url = RevocationHttp.httpUrl(urlText, "OCSP");
    X509CertificateHolder issuerHolder;
    CertificateID id;
    try {
      issuerHolder = new JcaX509CertificateHolder(issuer);
      id = new CertificateID(digests().get(CertificateID.HASH_SHA1), issuerHolder, cert.getSerialNumber());
    } catch (CertificateEncodingException | OperatorCreationException | OCSPException e) {
      throw new RevocationUnavailable("cannot build an OCSP request: " + e.getMessage());
    }
    String key;
    try {
      key = RevocationCache.key(urlText, HexFormat.of().formatHex(id.toASN1Primitive().getEncoded()));
    } catch (IOException e) {
      throw new RevocationUnavailable("cannot encode an OCSP CertID: " + e.getMessage());
    }
    byte[] cached = cache.read(KIND, key, options.maxOcspResponseBytes());
    if (cached != null) {
      try {
        return validate(cached, null, url, cert, issuerHolder, signingTime);
      } catch (RevocationUnavailable stale) {
        // stale or corrupt: ask the responder again
      }
    }
    byte[] nonce = new byte[16];
    Nonces.RANDOM.nextBytes(nonce);
    byte[] request;
    try {
      request = new OCSPReqBuilder()
          .addRequest(id)
          .setRequestExtensions(new Extensions(
              new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, encodedNonce(nonce))))
          .build()
          .getEncoded();
    } catch (OCSPException | IOException e) {
      throw new RevocationUnavailable("cannot build an OCSP request: " + e.getMessage());
    }
    byte[] response = http.post(url, request, "application/ocsp-request", options.ocspTimeout(),
        options.maxOcspResponseBytes(), "OCSP response");
    Answer answer = validate(response, nonce, url, cert, issuerHolder, signingTime);
    cache.write(KIND, key, response);
    return answer;
  }

  private Answer validate(byte[] bytes, byte[] nonce, URI url, X509Certificate cert, X509CertificateHolder issuer,
      Instant signingTime) throws RevocationUnavailable {
    String from = "OCSP response from " + url;
    BasicOCSPResp basic;
    try {
      OCSPResp resp = new OCSPResp(bytes);
      if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
        throw new RevocationUnavailable(from + " reports an error (" + responseStatus(resp.getStatus()) + ")");
      }
      Object o = resp.getResponseObject();
      if (!(o instanceof BasicOCSPResp b)) {
        throw new RevocationUnavailable(from + " is not a basic OCSP response");
      }
      basic = b;
    } catch (IOException | OCSPException | RuntimeException e) {
      throw new RevocationUnavailable(from + " is malformed");
    }
    checkSigner(basic, issuer, from);
    if (nonce != null) {
      Extension n = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
      // RFC 8954: a responder may ignore the nonce (pre-produced responses); one it echoes must be ours.
      if (n != null && !Arrays.equals(n.getExtnValue().getOctets(), encodedNonce(nonce))) {
        throw new RevocationUnavailable(from + " carries another request's nonce");
      }
    }
    SingleResp single = null;
    for (SingleResp s : basic.getResponses()) {
      try {
        if (s.getCertID().getSerialNumber().equals(cert.getSerialNumber())
            && s.getCertID().matchesIssuer(issuer, digests())) {
          single = s;
          break;
        }
      } catch (OCSPException | RuntimeException e) {
        // an unusable CertID (e.g. an unknown hash) matches nothing
      }
    }
    if (single == null) {
      throw new RevocationUnavailable(from + " is not about the certificate asked for (serial "
          + cert.getSerialNumber().toString(16) + ")");
    }
    Instant now = options.clock().instant();
    Instant thisUpdate = single.getThisUpdate().toInstant();
    if (thisUpdate.isAfter(now.plus(SKEW))) {
      throw new RevocationUnavailable(from + " is not yet valid (thisUpdate " + thisUpdate + ")");
    }
    if (single.getNextUpdate() == null) {
      throw new RevocationUnavailable(from + " has no nextUpdate, so its freshness cannot be judged");
    }
    Instant nextUpdate = single.getNextUpdate().toInstant();
    if (now.isAfter(nextUpdate)) {
      throw new RevocationUnavailable(from + " expired at its nextUpdate " + nextUpdate);
    }
    CertificateStatus status = single.getCertStatus();
    if (status == CertificateStatus.GOOD) {
      return new Answer(RevocationStatus.OK, "OCSP " + url);
    }
    if (status instanceof RevokedStatus revoked) {
      Instant invalidity = invalidityDate(single);
      if (signingTime != null && invalidity != null && signingTime.isBefore(invalidity)) {
        return new Answer(RevocationStatus.OK, "OCSP " + url + ": revoked with invalidity date " + invalidity
            + ", after the authentic signing time " + signingTime);
      }
      return new Answer(RevocationStatus.REVOKED, "OCSP " + url + ", revoked at "
          + revoked.getRevocationTime().toInstant());
    }
    if (status instanceof UnknownStatus) {
      return new Answer(RevocationStatus.UNKNOWN, "OCSP responder " + url + " does not know the certificate");
    }
    throw new RevocationUnavailable(from + " has an unrecognised certificate status");
  }

  /** The issuer signed the response itself, or delegated to a responder certificate it issued for OCSP signing. */
  private void checkSigner(BasicOCSPResp basic, X509CertificateHolder issuer, String from)
      throws RevocationUnavailable {
    RespID responder = basic.getResponderId();
    if (names(responder, issuer)) {
      verify(basic, issuer, from);
      return;
    }
    Date now = Date.from(options.clock().instant());
    for (X509CertificateHolder delegate : basic.getCerts()) {
      if (!names(responder, delegate)) {
        continue;
      }
      if (!delegate.getIssuer().equals(issuer.getSubject()) || !signedBy(delegate, issuer)) {
        throw new RevocationUnavailable(from + " is signed by responder \"" + delegate.getSubject()
            + "\", which the certificate's issuer did not issue");
      }
      ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(delegate.getExtensions());
      if (eku == null || !eku.hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning)) {
        throw new RevocationUnavailable(from + " is signed by \"" + delegate.getSubject()
            + "\", which is not authorised for OCSP signing (no id-kp-OCSPSigning)");
      }
      if (!delegate.isValidOn(now)) {
        throw new RevocationUnavailable(from + " is signed by responder \"" + delegate.getSubject()
            + "\", whose certificate is not valid now");
      }
      verify(basic, delegate, from);
      return;
    }
    throw new RevocationUnavailable(from + " is not signed by the certificate's issuer or a responder it delegated to");
  }

  private boolean names(RespID responder, X509CertificateHolder cert) {
    try {
      return responder.equals(new RespID(cert.getSubject()))
          || responder.equals(new RespID(cert.getSubjectPublicKeyInfo(), digests().get(CertificateID.HASH_SHA1)));
    } catch (OCSPException | OperatorCreationException e) {
      return false;
    }
  }

  private static boolean signedBy(X509CertificateHolder cert, X509CertificateHolder issuer) {
    try {
      return cert.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(Bc.BC).build(issuer));
    } catch (Exception e) {
      return false;
    }
  }

  private static void verify(BasicOCSPResp basic, X509CertificateHolder signer, String from)
      throws RevocationUnavailable {
    boolean ok;
    try {
      PublicKey key = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().setProvider(Bc.BC)
          .getCertificate(signer).getPublicKey();
      ok = basic.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(Bc.BC).build(key));
    } catch (Exception e) {
      ok = false;
    }
    if (!ok) {
      throw new RevocationUnavailable(from + " has an invalid signature");
    }
  }

  private static byte[] encodedNonce(byte[] nonce) {
    try {
      return new DEROctetString(nonce).getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Instant invalidityDate(SingleResp single) throws RevocationUnavailable {
    Extension e = single.getExtension(Extension.invalidityDate);
    if (e == null) {
      return null;
    }
    try {
      ASN1Primitive p = e.getParsedValue().toASN1Primitive();
      return ASN1GeneralizedTime.getInstance(p).getDate().toInstant();
    } catch (Exception ex) {
      throw new RevocationUnavailable("OCSP response has a malformed invalidity date");
    }
  }

  private static String responseStatus(int status) {
    return switch (status) {
      case OCSPResp.MALFORMED_REQUEST -> "malformedRequest";
      case OCSPResp.INTERNAL_ERROR -> "internalError";
      case OCSPResp.TRY_LATER -> "tryLater";
      case OCSPResp.SIG_REQUIRED -> "sigRequired";
      case OCSPResp.UNAUTHORIZED -> "unauthorized";
      default -> "status " + status;
    };
  }

  static List<String> urls(X509Certificate cert) throws RevocationUnavailable {
    try {
      return new ArrayList<>(RevocationUrls.ocsp(cert));
    } catch (IOException | RuntimeException e) {
      throw new RevocationUnavailable("the certificate's authority information access extension is malformed");
    }
  }

}
