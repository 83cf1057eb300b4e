package dev.nota.cli;

import dev.nota.core.tuf.ServerSource;
import dev.nota.core.tuf.TrustCache;
import dev.nota.core.tuf.TrustDirSource;
import dev.nota.core.tuf.TrustedRepository;
import dev.nota.core.tuf.TufClient;
import dev.nota.core.tuf.TufException;
import dev.nota.core.verify.NotaryV1Verifier;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.policy.NotaryV1Source;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;

/**
 * Loads the trust data of a {@code notaryV1} source of {@code trustpolicy.nota.json} for {@code nota verify}, as
 * {@code nota tuf verify} would with the same settings: from a notary server with docker's credentials and the
 * verified-metadata cache under the configuration directory (shared with {@code nota tuf}, updated only after the
 * whole chain verified), or offline from a trust directory; expiry as of {@code --at}.
 */
final class NotaryV1Sources implements NotaryV1Verifier.Loader {
  private final Context context;
  private final Clock clock;

  NotaryV1Sources(Context context, Clock clock) {
    this.context = context;
    this.clock = clock;
  }

  @Override
  public TrustedRepository load(NotaryV1Source source, String gun) throws TufException {
    TufClient.Options options = TufClient.Options.of(clock);
    if (source.rootCert() != null) {
      options = options.withPinnedRoot(certificate(source));
    }
    if (source.server() == null) {
      return TufClient.load(gun, TrustDirSource.of(source.trustDir(), gun), options);
    }
    options = options.withCache(new TrustCache(context.config().root().resolve("tuf").resolve(gun)
        .resolve("metadata")));
    RegistryOptions registryOptions = RegistryOptions.defaults()
        .withCredentials(TufSourceOptions.dockerCredentials(context, gun))
        .withUserAgent("nota/" + Nota.Version.version());
    try (ServerSource server = ServerSource.open(source.server(), gun, registryOptions)) {
      return TufClient.load(gun, server, options);
    }
  }

  private static X509Certificate certificate(NotaryV1Source source) throws TufException {
    try (InputStream in = Files.newInputStream(source.rootCert())) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (Exception e) {
      throw new TufException(TufException.Kind.INPUT, "root", "cannot read the pinned root certificate "
          + source.rootCert() + " (rootCert): " + e.getMessage());
    }
  }
}
