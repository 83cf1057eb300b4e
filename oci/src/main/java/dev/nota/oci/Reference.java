package dev.nota.oci;

/**
 * A reference to an artifact in a registry: {@code registry/repository[:tag][@digest]}, with docker's defaults
 * ({@code docker.io}, {@code library/}) applied when parsing a short name.
 *
 * @param registry host with optional port, e.g. {@code localhost:5000}, {@code [::1]:5000}, {@code docker.io}
 * @param repository path components, e.g. {@code library/alpine}
 * @param tag the tag, or null
 * @param digest the digest, or null
 */
public record Reference(String registry, String repository, String tag, Digest digest) {
  // Parsing, validation and printing: see ReferenceParser (to be written with its tests).
}
