package dev.nota.core.tuf;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Metadata from a notary server: {@code GET <server>/v2/<gun>/_trust/tuf/<file>}. TLS uses the JDK's trust store,
 * plus the CA certificates of a PEM file when one is given. Bodies are read up to the cap only. Token auth is not
 * implemented (public notary servers such as Docker Hub's serve metadata of public repositories anonymously).
 */
public final class ServerSource implements MetadataSource {
  private final HttpClient http;
  private final URI base;
  private final String gun;

  private ServerSource(HttpClient http, URI base, String gun) {
    this.http = http;
    this.base = base;
    this.gun = gun;
  }

  /**
   * A source for {@code gun} on {@code server}: an https URL, or http for a loopback server only (the root is trusted
   * on first use, so it must not travel unprotected); {@code caFile} may be null.
   */
  public static ServerSource of(URI server, String gun, Path caFile) throws TufException {
    String scheme = server.getScheme();
    if (scheme == null || !(scheme.equals("https") || scheme.equals("http")) || server.getHost() == null) {
      throw new TufException(TufException.Kind.INPUT, null,
          "server URL must be http(s)://host[:port], got " + server);
    }
    String host = server.getHost();
    boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]");
    if (scheme.equals("http") && !loopback) {
      throw new TufException(TufException.Kind.INPUT, null, "plain HTTP is only allowed for a loopback server; use"
          + " https:// for " + host);
    }
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
        .followRedirects(HttpClient.Redirect.NORMAL);
    if (caFile != null) {
      b.sslContext(sslContext(caFile));
    }
    String s = server.toString();
    return new ServerSource(b.build(), URI.create(s.endsWith("/") ? s : s + "/"), gun);
  }

  private static SSLContext sslContext(Path caFile) throws TufException {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      TrustManagerFactory def = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      def.init((KeyStore) null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new TufException(TufException.Kind.INPUT, null, "no certificate in CA file " + caFile);
      }
      // the JDK's default roots stay trusted too
      for (var tm : def.getTrustManagers()) {
        if (tm instanceof javax.net.ssl.X509TrustManager x) {
          for (var c : x.getAcceptedIssuers()) {
            ks.setCertificateEntry("jdk-" + i++, c);
          }
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new TufException(TufException.Kind.INPUT, null, "cannot read CA file " + caFile + ": " + e.getMessage());
    }
  }

  @Override
  public Optional<byte[]> fetch(Request request, long maxBytes) throws TufException {
    URI uri = base.resolve("v2/" + gun + "/_trust/tuf/" + request.fileName());
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build();
    try {
      HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = resp.body()) {
        if (resp.statusCode() == 404) {
          return Optional.empty();
        }
        if (resp.statusCode() != 200) {
          throw new TufException(TufException.Kind.NETWORK, request.role(), "GET " + uri + " answered HTTP "
              + resp.statusCode());
        }
        long declared = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > maxBytes) {
          throw TufException.verification(request.role(), "metadata is larger than the limit of " + maxBytes
              + " bytes");
        }
        return Optional.of(MetadataSource.readCapped(request.role(), body, maxBytes));
      }
    } catch (IOException e) {
      throw new TufException(TufException.Kind.NETWORK, request.role(), "GET " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TufException(TufException.Kind.NETWORK, request.role(), "interrupted while fetching " + uri, e);
    }
  }

  @Override
  public String toString() {
    return base + "v2/" + gun + "/_trust/tuf/";
  }
}
