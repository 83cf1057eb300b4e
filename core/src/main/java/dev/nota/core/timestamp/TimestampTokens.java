package dev.nota.core.timestamp;

import dev.nota.core.NotaException;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.tsp.GenTimeAccuracy;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * Reads what an RFC 3161 timestamp token says (its time, accuracy and certificates) without judging it, for
 * {@code inspect}; {@link Rfc3161TimestampVerifier} is what decides whether a token is trustworthy.
 */
public final class TimestampTokens {
  /** What a token claims: the time, its accuracy (zero when absent) and the certificates it carries. */
  public record Claimed(Instant genTime, Duration accuracy, List<X509Certificate> certificates) {
    public Claimed {
      certificates = List.copyOf(certificates);
    }

    /** The interval the timestamp stands for, {@code [genTime - accuracy, genTime + accuracy]}. */
    public Instant earliest() {
      return genTime.minus(accuracy);
    }

    public Instant latest() {
      return genTime.plus(accuracy);
    }
  }

  private TimestampTokens() {}

  /** Parses {@code token} (DER CMS SignedData of a TSTInfo); a malformed token is a one-line error. */
  public static Claimed read(byte[] token) throws NotaException {
    try {
      TimeStampToken t = new TimeStampToken(new CMSSignedData(token));
      GenTimeAccuracy a = t.getTimeStampInfo().getGenTimeAccuracy();
      Duration accuracy = a == null ? Duration.ZERO
          : Duration.ofSeconds(a.getSeconds()).plusMillis(a.getMillis()).plusNanos(a.getMicros() * 1000L);
      List<X509Certificate> certs = new ArrayList<>();
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      for (X509CertificateHolder h : t.getCertificates().getMatches(null)) {
        certs.add(converter.getCertificate(h));
      }
      return new Claimed(t.getTimeStampInfo().getGenTime().toInstant(), accuracy, certs);
    } catch (CMSException | TSPException | IOException | CertificateException | RuntimeException e) {
      throw new NotaException("malformed timestamp token: " + e.getMessage());
    }
  }
}
