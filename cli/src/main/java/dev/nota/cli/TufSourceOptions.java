package dev.nota.cli;

import dev.nota.core.tuf.MetadataSource;
import dev.nota.core.tuf.ServerSource;
import dev.nota.core.tuf.TrustCache;
import dev.nota.core.tuf.TrustDirSource;
import dev.nota.core.tuf.TrustedRepository;
import dev.nota.core.tuf.TufClient;
import dev.nota.core.tuf.TufException;
import dev.nota.oci.registry.Credential;
import dev.nota.oci.registry.CredentialHelpers;
import dev.nota.oci.registry.CredentialStore;
import dev.nota.oci.registry.DockerConfigCredentials;
import dev.nota.oci.registry.RegistryOptions;
import dev.nota.oci.registry.StaticCredentials;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Where the trust data of {@code nota tuf} comes from (a notary server with its credentials, or a trust directory)
 * and how it is verified (pins, {@code --at}, cache); a picocli mixin shared by every {@code tuf} subcommand.
 */
final class TufSourceOptions {
  @ArgGroup(exclusive = true)
  Where where;

  static final class Where {
    @Option(names = "--server", paramLabel = "URL", description = "Notary server, e.g. https://notary.docker.io.")
    URI server;

    @Option(names = "--trust-dir", paramLabel = "DIR",
        description = "Trust directory in docker's layout (default: $DOCKER_CONFIG/trust or ~/.docker/trust).")
    Path trustDir;
  }

  @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust the CA certificates in this PEM file too.")
  Path caFile;

  @Option(names = "--root-cert", paramLabel = "PEM", description = "Pin the root: a root key must be this "
      + "certificate (or its public key); after a root rotation, the chain from the root that has it is followed.")
  Path rootCert;

  @Option(names = "--root-key-id", paramLabel = "ID", description = "Pin the root to this key ID (metadata or "
      + "canonical, as notary key list prints); followed through root rotations like --root-cert.")
  String rootKeyId;

  @Option(names = "--at", paramLabel = "TIME", description = "Check expiry at this RFC 3339 time (audits).")
  String at;

  @Option(names = "--cache-dir", paramLabel = "DIR",
      description = "Cache of verified metadata for --server (default: <nota config>/tuf/<gun>/metadata).")
  Path cacheDir;

  @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
  OutputFormat output;

  @Option(names = {"-u", "--username"},
      description = "Username for the notary server's token service (default: the credentials docker keeps for "
          + "the image's registry, else for the server).")
  String username;

  @Option(names = "--password-stdin", description = "Read the notary server password (or token) from standard "
      + "input.")
  boolean passwordStdin;

  TrustedRepository load(Context context, String gun) throws UserException {
    if (output == OutputFormat.tree) {
      throw new UserException("--output must be text or json for nota tuf");
    }
    try {
      Clock clock = context.clock();
      if (at != null) {
        try {
          clock = Clock.fixed(OffsetDateTime.parse(at).toInstant(), ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
          throw new UserException("--at \"" + at + "\" is not an RFC 3339 time (e.g. 2026-01-02T03:04:05Z)");
        }
      }
      TufClient.Options options = TufClient.Options.of(clock);
      if (rootCert != null) {
        options = options.withPinnedRoot(certificate(rootCert));
      }
      if (rootKeyId != null) {
        if (rootCert != null) {
          throw new UserException("give --root-cert or --root-key-id, not both");
        }
        if (!rootKeyId.matches("[0-9a-fA-F]{64}")) {
          throw new UserException("--root-key-id must be 64 hex digits, got \"" + rootKeyId + "\"");
        }
        options = options.withPinnedRootKeyId(rootKeyId);
      }
      MetadataSource source;
      if (where != null && where.server != null) {
        Path cache = cacheDir != null ? cacheDir
            : context.config().root().resolve("tuf").resolve(gun).resolve("metadata");
        options = options.withCache(new TrustCache(cache));
        RegistryOptions registryOptions = RegistryOptions.defaults().withCaFile(caFile)
            .withCredentials(credentials(context, gun)).withUserAgent("nota/" + Nota.Version.version());
        try (ServerSource server = ServerSource.open(where.server, gun, registryOptions)) {
          return TufClient.load(gun, server, options);
        }
      } else if (username != null || passwordStdin) {
        throw new UserException("--username and --password-stdin are for --server");
      } else {
        Path dir = where != null && where.trustDir != null ? where.trustDir : dockerTrustDir(context);
        source = TrustDirSource.of(dir, gun);
        if (cacheDir != null) {
          options = options.withCache(new TrustCache(cacheDir));
        }
      }
      return TufClient.load(gun, source, options);
    } catch (TufException e) {
      throw TufCommand.failure(e);
    }
  }

  /**
   * Credentials for the notary server: the flags, else what docker keeps for the GUN's registry (docker uses the
   * registry's credentials for its notary server), else what it keeps for the server itself.
   */
  private CredentialStore credentials(Context context, String gun) throws UserException {
    if (username != null || passwordStdin) {
      if (!passwordStdin) {
        throw new UserException("--username needs --password-stdin (nota never takes a password as an argument)");
      }
      String secret;
      try {
        secret = new String(context.stdin().readNBytes(64 * 1024), StandardCharsets.UTF_8).strip();
      } catch (java.io.IOException e) {
        throw new UserException("--password-stdin: cannot read standard input: " + e.getMessage());
      }
      if (secret.isEmpty()) {
        throw new UserException("--password-stdin: the password is empty (nothing on standard input)");
      }
      return new StaticCredentials(username, secret);
    }
    return dockerCredentials(context, gun);
  }

  /** What docker keeps for the GUN's registry (docker uses them for its notary server), else for the server. */
  static CredentialStore dockerCredentials(Context context, String gun) {
    CredentialStore docker = DockerConfigCredentials.of(context.config().dockerConfig(context.env()),
        CredentialHelpers.onPath(context.env().get("PATH")));
    String registry = gun.indexOf('/') < 0 ? gun : gun.substring(0, gun.indexOf('/'));
    return server -> {
      Credential c = docker.get(registry);
      return c != null ? c : docker.get(server);
    };
  }

  private static Path dockerTrustDir(Context context) {
    String dir = context.env().get("DOCKER_CONFIG");
    return dir != null ? Path.of(dir, "trust") : Path.of(System.getProperty("user.home"), ".docker", "trust");
  }

  private static X509Certificate certificate(Path pem) throws UserException {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (Exception e) {
      throw new UserException("cannot read the root certificate " + pem + ": " + e.getMessage());
    }
  }
}
