package dev.nota.core.blob;

import dev.nota.core.NotaException;
import dev.nota.core.envelope.EnvelopeContent;
import dev.nota.core.envelope.Envelopes;
import dev.nota.core.envelope.Payload;
import dev.nota.core.envelope.PrimitiveSigner;
import dev.nota.core.envelope.SignatureAlgorithm;
import dev.nota.core.sign.Signer;
import dev.nota.core.verify.EnvelopeVerifier;
import dev.nota.core.verify.PolicyStatement;
import dev.nota.core.verify.SignatureResult;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Signs and verifies files with detached Notary envelopes, byte-compatible with {@code notation blob} (notation 2.x):
 * the payload's {@code targetArtifact} is the file's media type (default {@code application/octet-stream}), size and
 * digest, the digest algorithm following the key (RSA-2048 and EC P-256: sha256; RSA-3072 and P-384: sha384;
 * RSA-4096 and P-521: sha512). Files are hashed as a stream, never read whole.
 */
public final class BlobSignatures {
  /** The media type notation gives a blob when none is chosen. */
  public static final String DEFAULT_MEDIA_TYPE = "application/octet-stream";

  /** The largest signature file read: the envelope limit. */
  public static final long MAX_SIGNATURE_FILE = Envelopes.MAX_ENVELOPE_SIZE;

  private BlobSignatures() {}

  /** The digest algorithm notation uses for a blob signed with {@code algorithm}'s key. */
  public static Digest.Algorithm digestAlgorithm(SignatureAlgorithm algorithm) {
    return switch (algorithm.hashJcaName()) {
      case "SHA-256" -> Digest.Algorithm.SHA256;
      case "SHA-384" -> Digest.Algorithm.SHA384;
      case "SHA-512" -> Digest.Algorithm.SHA512;
      default -> throw new IllegalStateException("no digest algorithm for " + algorithm);
    };
  }

  /** The descriptor of {@code file}: {@code mediaType}, its size, and its digest with {@code algorithm}. */
  public static Descriptor describe(Path file, String mediaType, Digest.Algorithm algorithm) throws NotaException {
    MessageDigest md = algorithm.newMessageDigest();
    long size = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        md.update(buffer, 0, n);
        size += n;
      }
    } catch (IOException e) {
      throw new NotaException("cannot read " + file + ": " + describeIo(e));
    }
    return Descriptor.of(mediaType, Digest.of(algorithm, md), size);
  }

  /**
   * Signs {@code file} and returns the envelope bytes (of {@code options.envelopeMediaType()}).
   *
   * @param mediaType the media type the payload gives the file; null for {@link #DEFAULT_MEDIA_TYPE}
   */
  public static byte[] sign(Path file, String mediaType, PrimitiveSigner key, Signer.Options options)
      throws NotaException {
    String type = mediaType == null ? DEFAULT_MEDIA_TYPE : checkMediaType(mediaType);
    Descriptor target = describe(file, type, digestAlgorithm(key.algorithm()));
    return Signer.createEnvelope(target, key, options);
  }

  /** The file name notation gives the signature of {@code blob}: {@code <name>.jws.sig} or {@code <name>.cose.sig}. */
  public static String signatureFileName(Path blob, String envelopeMediaType) {
    return blob.getFileName() + "." + formatName(envelopeMediaType) + ".sig";
  }

  /** {@code jws} or {@code cose} for an envelope media type. */
  public static String formatName(String envelopeMediaType) {
    if (MediaTypes.JWS.equals(envelopeMediaType)) {
      return "jws";
    }
    if (MediaTypes.COSE.equals(envelopeMediaType)) {
      return "cose";
    }
    throw new IllegalArgumentException("not an envelope media type: " + envelopeMediaType);
  }

  /**
   * The envelope media type a signature file's name says ({@code ….jws.sig} or {@code ….cose.sig}), as notation
   * derives it.
   */
  public static String envelopeMediaType(Path signatureFile) throws NotaException {
    String name = signatureFile.getFileName() == null ? "" : signatureFile.getFileName().toString();
    if (name.endsWith(".jws.sig")) {
      return MediaTypes.JWS;
    }
    if (name.endsWith(".cose.sig")) {
      return MediaTypes.COSE;
    }
    throw new NotaException("signature file " + signatureFile + " must be named <file>.jws.sig or <file>.cose.sig "
        + "(the envelope format is taken from the name, as notation does)");
  }

  /** Reads a signature file, refusing one larger than an envelope may be. */
  public static byte[] readSignature(Path signatureFile) throws NotaException {
    try {
      long size = Files.size(signatureFile);
      if (size > MAX_SIGNATURE_FILE) {
        throw new NotaException("signature file " + signatureFile + " is " + size + " bytes, more than the "
            + MAX_SIGNATURE_FILE + " an envelope may have");
      }
      return Files.readAllBytes(signatureFile);
    } catch (IOException e) {
      throw new NotaException("cannot read signature file " + signatureFile + ": " + describeIo(e));
    }
  }

  /**
   * Verifies {@code envelope} as a signature of {@code file} under {@code policy}.
   *
   * @param mediaType when not null, the media type the signature must give the file (notation's {@code --media-type})
   */
  public static SignatureResult verify(EnvelopeVerifier verifier, Path file, String envelopeMediaType,
      byte[] envelope, String mediaType, PolicyStatement policy, Map<String, String> userMetadata)
      throws NotaException {
    if (mediaType != null) {
      checkMediaType(mediaType);
    }
    // The payload says which digest algorithm to hash the file with. Reading it first is safe: the verifier checks
    // the envelope's integrity itself, and a payload that lies about its algorithm cannot match the file.
    Descriptor signed = null;
    try {
      EnvelopeContent content = Envelopes.parse(envelopeMediaType, envelope).verify();
      signed = Payload.parse(content.payload()).targetArtifact();
    } catch (NotaException e) {
      // left to the verifier, which reports the integrity failure in notation's words
    }
    Digest.Algorithm algorithm = signed == null ? Digest.Algorithm.SHA256 : signed.digest().algorithm();
    String expectedType = mediaType != null ? mediaType : signed == null ? DEFAULT_MEDIA_TYPE : signed.mediaType();
    Descriptor actual = describe(file, expectedType, algorithm);
    return verifier.verify(null, envelopeMediaType, envelope, actual, policy, userMetadata);
  }

  /** A media type as RFC 6838 shapes it ({@code type/subtype}, optional parameters); else a one-line error. */
  static String checkMediaType(String mediaType) throws NotaException {
    String base = mediaType.split(";", 2)[0].strip();
    if (!base.matches("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}")) {
      throw new NotaException("invalid media type \"" + mediaType + "\": expected type/subtype, e.g. "
          + DEFAULT_MEDIA_TYPE);
    }
    return mediaType;
  }

  private static String describeIo(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
