package dev.nota.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Flags that say where an artifact lives and how to reach it (a picocli mixin shared by the commands). */
final class TargetOptions {
  @Option(names = {"-u", "--username"}, description = "Username for the registry.")
  String username;

  @Option(names = "--password-stdin", description = "Read the registry password (or token) from standard input.")
  boolean passwordStdin;

  @Option(names = "--insecure-registry",
      description = "Allow plain HTTP to the registry of the reference when it does not speak TLS "
          + "(loopback registries always may; TLS certificates are still checked when it does).")
  boolean insecureRegistry;

  @Option(names = "--plain-http",
      description = "Talk plain HTTP to the registry of the reference, without trying TLS (as notation's flag; "
          + "only for registries you trust on a network you trust).")
  boolean plainHttp;

  @Option(names = "--ca-file", paramLabel = "PEM",
      description = "Trust the CA certificates in this PEM file for registry TLS, besides the system's.")
  Path caFile;

  @Option(names = "--oci-layout",
      description = "The reference is in an OCI image layout: a directory, a .tar, .tar.gz or .tgz of one "
          + "(<path>@<digest> or <path>:<tag>), or - for a tar (plain or gzip) on standard input (-@<digest>, "
          + "-:<tag>; read-only).")
  boolean ociLayout;

  @Option(names = {"-d", "--debug"}, description = "Print debug output (never secrets).")
  boolean debug;
}
