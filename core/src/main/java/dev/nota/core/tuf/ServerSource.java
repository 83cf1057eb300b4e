package dev.nota.core.tuf;

import dev.nota.oci.OciException;
import dev.nota.oci.registry.AuthenticatedGet;
import dev.nota.oci.registry.RegistryOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.util.Optional;

/**
 * Metadata from a notary server: {@code GET <server>/v2/<gun>/_trust/tuf/<file>}, through the registry client's HTTP
 * stack: TLS with the JDK's trust store plus an optional CA file, and the registries' token auth (a 401 {@code Bearer}
 * challenge is answered with a token for {@code repository:<gun>:pull} from the realm, or Basic credentials), with
 * credentials from the {@link RegistryOptions}. Bodies are read up to the cap only.
 *
 * <p>Obligation: close it when done, to release connections.
 */
public final class ServerSource implements MetadataSource, AutoCloseable {
  private final AuthenticatedGet http;
  private final URI base;
  private final String gun;
  private final String serverName;

  private ServerSource(AuthenticatedGet http, URI base, String gun, String serverName) {
    this.http = http;
    this.base = base;
    this.gun = gun;
    this.serverName = serverName;
  }

  /** A source for {@code gun} on {@code server} without credentials; {@code caFile} may be null. */
  public static ServerSource of(URI server, String gun, Path caFile) throws TufException {
    return open(server, gun, RegistryOptions.defaults().withCaFile(caFile));
  }

  /**
   * A source for {@code gun} on {@code server}: an https URL, or http for a loopback server only (the root is trusted
   * on first use, so it must not travel unprotected). Credentials are looked up under the server's {@code
   * host[:port]}; {@code options} also give the CA file, timeouts and debug log.
   */
  public static ServerSource open(URI server, String gun, RegistryOptions options) throws TufException {
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
    if (options.caFile() != null) {
      checkCaFile(options.caFile());
    }
    String s = server.toString();
    String name = host + (server.getPort() < 0 ? "" : ":" + server.getPort());
    return new ServerSource(new AuthenticatedGet(options), URI.create(s.endsWith("/") ? s : s + "/"), gun, name);
  }

  /** The name credentials are looked up under: the server's {@code host[:port]}. */
  public String serverName() {
    return serverName;
  }

  private static void checkCaFile(Path caFile) throws TufException {
    try (InputStream in = Files.newInputStream(caFile)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new TufException(TufException.Kind.INPUT, null, "no certificate in CA file " + caFile);
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new TufException(TufException.Kind.INPUT, null, "cannot read CA file " + caFile + ": " + e.getMessage());
    }
  }

  @Override
  public Optional<byte[]> fetch(Request request, long maxBytes) throws TufException {
    URI uri = base.resolve("v2/" + gun + "/_trust/tuf/" + request.fileName());
    try {
      Optional<byte[]> body = http.get("GET " + uri, serverName, uri, "repository:" + gun + ":pull", maxBytes);
      if (body.isPresent() && body.get().length > maxBytes) {
        throw TufException.verification(request.role(), "metadata is larger than the limit of " + maxBytes
            + " bytes");
      }
      return body;
    } catch (OciException e) {
      throw new TufException(TufException.Kind.NETWORK, request.role(), e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    http.close();
  }

  @Override
  public String toString() {
    return base + "v2/" + gun + "/_trust/tuf/";
  }
}
