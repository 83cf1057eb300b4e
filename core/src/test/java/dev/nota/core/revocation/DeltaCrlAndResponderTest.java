package dev.nota.core.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.core.revocation.OpensslPki.Issued;
import dev.nota.core.x509.Openssl;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta CRLs (which {@code openssl ca} cannot make, so these CRLs are built with Bouncy Castle and signed with the
 * openssl CA's own key) and delegated OCSP responders (issued by {@code openssl ca}, used by {@code openssl ocsp}).
 */
class DeltaCrlAndResponderTest {
  @TempDir Path temp;
  private OpensslPki pki;

  @BeforeEach
  void startPki() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Openssl.available(), "openssl is not installed");
    pki = OpensslPki.start(temp.resolve("pki"));
  }

  @AfterEach
  void stopPki() {
    if (pki != null) {
      pki.close();
    }
  }

  private ChainRevocation check(Issued leaf) {
    return new OnlineRevocationChecker(RevocationOptions.defaults()).evaluate(pki.chain(leaf), null);
  }

  private byte[] crl(long number, Long deltaOf, String freshest, BigInteger revoked) throws Exception {
    X509Certificate issuer = pki.intermediate().certificate();
    Instant now = Instant.now();
    X509v2CRLBuilder b = new X509v2CRLBuilder(new JcaX509CertificateHolder(issuer).getSubject(),
        Date.from(now.minusSeconds(60)));
    b.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
    b.addExtension(Extension.cRLNumber, false, new ASN1Integer(number));
    if (deltaOf != null) {
      b.addExtension(Extension.deltaCRLIndicator, true, new ASN1Integer(deltaOf));
    }
    if (freshest != null) {
      GeneralNames names = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, freshest));
      b.addExtension(Extension.freshestCRL, false, new CRLDistPoint(new DistributionPoint[] {
          new DistributionPoint(new DistributionPointName(names), null, null)}));
    }
    if (revoked != null) {
      b.addCRLEntry(revoked, Date.from(now.minusSeconds(30)), CRLReason.keyCompromise);
    }
    return b.build(new JcaContentSignerBuilder("SHA256withRSA").build(key(pki.intermediate().key())))
        .getEncoded();
  }

  private static PrivateKey key(Path pem) throws Exception {
    String body = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
  }

  @Test
  void aDeltaCrlAdvertisedByTheBaseCrlCanRevoke() throws Exception {
    Issued leaf = pki.leaf("crlonly", false, true, true);
    pki.overrideCrl("inter", crl(10, null, pki.crlUrl("delta"), null));
    pki.overrideCrl("delta", crl(11, 10L, null, leaf.certificate().getSerialNumber()));

    ChainRevocation r = check(leaf);

    assertEquals(RevocationStatus.REVOKED, r.certificates().get(0).status(), r::failure);
  }

  @Test
  void aDeltaCrlThatRevokesNothingLeavesTheCertificateGood() throws Exception {
    Issued leaf = pki.leaf("crlonly", false, true, true);
    pki.overrideCrl("inter", crl(10, null, pki.crlUrl("delta"), null));
    pki.overrideCrl("delta", crl(11, 10L, null, null));

    assertEquals(RevocationStatus.OK, check(leaf).certificates().get(0).status());
  }

  @Test
  void aDeltaCrlNotNewerThanItsBaseIsRejected() throws Exception {
    Issued leaf = pki.leaf("crlonly", false, true, true);
    pki.overrideCrl("inter", crl(10, null, pki.crlUrl("delta"), null));
    pki.overrideCrl("delta", crl(10, 9L, null, null));

    ChainRevocation r = check(leaf);

    assertEquals(RevocationStatus.UNKNOWN, r.certificates().get(0).status());
    assertTrue(r.failure().contains("not greater than the base CRL's 10"), r.failure());
  }

  @Test
  void anAdvertisedDeltaCrlThatCannotBeFetchedMakesTheStatusUnknown() throws Exception {
    Issued leaf = pki.leaf("crlonly", false, true, true);
    pki.overrideCrl("inter", crl(10, null, pki.crlUrl("missing"), null));

    ChainRevocation r = check(leaf);

    assertEquals(RevocationStatus.UNKNOWN, r.certificates().get(0).status());
    assertTrue(r.failure().contains("HTTP 404"), r.failure());
  }

  @Test
  void aResponderTheIssuerDelegatedToWithOcspSigningIsTrusted() throws Exception {
    Issued leaf = pki.leaf("leaf", true, false, true);
    pki.delegateOcsp("Delegated Responder", true);

    ChainRevocation r = check(leaf);

    assertEquals(RevocationStatus.OK, r.certificates().get(0).status(), r::failure);
  }

  @Test
  void aResponderWithoutOcspSigningIsNotTrusted() throws Exception {
    Issued leaf = pki.leaf("leaf", true, false, true);
    pki.delegateOcsp("Unauthorised Responder", false);

    ChainRevocation r = check(leaf);

    assertEquals(RevocationStatus.UNKNOWN, r.certificates().get(0).status());
    assertTrue(r.failure().contains("not authorised for OCSP signing"), r.failure());
  }
}
