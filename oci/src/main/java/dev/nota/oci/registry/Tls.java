package dev.nota.oci.registry;

import dev.nota.oci.OciException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust of registry connections: the JDK's trust store plus the CA certificates of an optional PEM file.
 * Built only when the first HTTPS request is made, since loading the trust store costs ~200 ms.
 */
final class Tls {
  final SSLContext context;
  final X509TrustManager trustManager;

  private Tls(SSLContext context, X509TrustManager trustManager) {
    this.context = context;
    this.trustManager = trustManager;
  }

  static Tls create(Path caFile) throws OciException {
    try {
      X509TrustManager system = trustManager(null);
      X509TrustManager tm = system;
      if (caFile != null) {
        tm = new Either(system, trustManager(loadCerts(caFile)));
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {tm}, null);
      return new Tls(ctx, tm);
    } catch (GeneralSecurityException e) {
      throw new OciException("setting up TLS: " + e.getMessage(), e);
    }
  }

  private static KeyStore loadCerts(Path caFile) throws OciException, GeneralSecurityException {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(caFile)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw new OciException("reading CA file " + caFile + ": " + e.getMessage(), e);
    } catch (CertificateException e) {
      throw new OciException("reading CA file " + caFile + ": not PEM or DER certificates (" + e.getMessage() + ")");
    }
    if (certs.isEmpty()) {
      throw new OciException("reading CA file " + caFile + ": no certificates in it");
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      ks.load(null, null);
    } catch (IOException e) {
      throw new OciException("setting up TLS: " + e.getMessage(), e);
    }
    int i = 0;
    for (Certificate c : certs) {
      ks.setCertificateEntry("ca-" + i++, c);
    }
    return ks;
  }

  private static X509TrustManager trustManager(KeyStore ks) throws GeneralSecurityException {
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(ks);
    for (TrustManager t : f.getTrustManagers()) {
      if (t instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager in the JDK");
  }

  /** Trusts a chain when either trust manager does. */
  private record Either(X509TrustManager first, X509TrustManager second) implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        first.checkClientTrusted(chain, authType);
      } catch (CertificateException e) {
        second.checkClientTrusted(chain, authType);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        first.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        try {
          second.checkServerTrusted(chain, authType);
        } catch (CertificateException e2) {
          // The CA file found the issuer when its failure is not "no path to a trust anchor" (e.g. the certificate
          // expired): that says more than the system store's "unknown issuer".
          CertificateException shown = isUnknownIssuer(e2) ? e : e2;
          shown.addSuppressed(shown == e ? e2 : e);
          throw shown;
        }
      }
    }

    private static boolean isUnknownIssuer(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof java.security.cert.CertPathBuilderException) {
          return true;
        }
      }
      return false;
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
      all.addAll(List.of(second.getAcceptedIssuers()));
      return all.toArray(new X509Certificate[0]);
    }
  }
}
