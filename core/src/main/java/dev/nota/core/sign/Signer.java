package dev.nota.core.sign;

import dev.nota.core.NotaException;
import dev.nota.core.envelope.Envelopes;
import dev.nota.core.envelope.Payload;
import dev.nota.core.envelope.PrimitiveSigner;
import dev.nota.core.envelope.SignRequest;
import dev.nota.core.envelope.SigningScheme;
import dev.nota.core.timestamp.Timestamper;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Manifest;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciException;
import dev.nota.oci.OciJson;
import dev.nota.oci.Target;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Signs an artifact: builds the Notary payload for its descriptor, wraps it in a JWS or COSE envelope signed by a
 * {@link PrimitiveSigner}, and pushes envelope, config and signature manifest to the target as a referrer of the
 * artifact. With a {@link Timestamper}, the signature is countersigned by a TSA and the token goes into the
 * envelope's unsigned header. Nothing is pushed when any step before the push fails, timestamping included.
 */
public final class Signer {

  /** How to sign; {@code timestamper} is null for no timestamp. */
  public record Options(
      String envelopeMediaType,
      Duration expiry,
      Map<String, String> userMetadata,
      SignatureManifests.Form manifestForm,
      String signingAgent,
      Clock clock,
      Timestamper timestamper) {
    public Options {
      Objects.requireNonNull(envelopeMediaType, "envelopeMediaType");
      if (!MediaTypes.JWS.equals(envelopeMediaType) && !MediaTypes.COSE.equals(envelopeMediaType)) {
        throw new IllegalArgumentException("unsupported signature envelope type " + envelopeMediaType);
      }
      userMetadata = userMetadata == null ? Map.of() : Map.copyOf(userMetadata);
      manifestForm = manifestForm == null ? SignatureManifests.Form.ARTIFACT_TYPE : manifestForm;
      clock = clock == null ? Clock.systemUTC() : clock;
    }

    /** Options without a timestamp. */
    public Options(String envelopeMediaType, Duration expiry, Map<String, String> userMetadata,
        SignatureManifests.Form manifestForm, String signingAgent, Clock clock) {
      this(envelopeMediaType, expiry, userMetadata, manifestForm, signingAgent, clock, null);
    }

    public static Options defaults(String envelopeMediaType) {
      return new Options(envelopeMediaType, null, null, null, null, null, null);
    }

    /** These options with the signature countersigned by {@code t} (null: none). */
    public Options withTimestamper(Timestamper t) {
      return new Options(envelopeMediaType, expiry, userMetadata, manifestForm, signingAgent, clock, t);
    }
  }

  /** What was signed and where the signature went. */
  public record Result(Descriptor artifact, Descriptor signatureManifest, Descriptor envelope) {}

  private Signer() {}

  /** Signs {@code artifact} (a manifest or index in {@code target}) and pushes the signature to {@code target}. */
  public static Result sign(Target target, Descriptor artifact, PrimitiveSigner key, Options options)
      throws NotaException, OciException {
    Instant signingTime = signingTime(options.clock());
    byte[] envelope = createEnvelope(artifact, key, options, signingTime);
    Descriptor envelopeDescriptor = Descriptor.of(options.envelopeMediaType(), envelope);
    Manifest manifest = SignatureManifests.build(
        options.manifestForm(), artifact, envelopeDescriptor, key.certificateChain(), signingTime);
    byte[] manifestBytes = OciJson.write(manifest);

    pushIfMissing(target, Descriptor.EMPTY_JSON, MediaTypes.EMPTY_JSON);
    pushIfMissing(target, envelopeDescriptor, envelope);
    Descriptor pushed = target.pushManifest(MediaTypes.OCI_MANIFEST, manifestBytes, null);
    return new Result(artifact.plain(), pushed, envelopeDescriptor);
  }

  /** Builds the signed (and, with a timestamper, timestamped) envelope for {@code artifact} without pushing it. */
  public static byte[] createEnvelope(Descriptor artifact, PrimitiveSigner key, Options options)
      throws NotaException {
    return createEnvelope(artifact, key, options, signingTime(options.clock()));
  }

  private static byte[] createEnvelope(
      Descriptor artifact, PrimitiveSigner key, Options options, Instant signingTime) throws NotaException {
    Descriptor target = artifact.plain();
    if (!options.userMetadata().isEmpty()) {
      Map<String, String> annotations = new TreeMap<>(artifact.annotations());
      for (Map.Entry<String, String> e : options.userMetadata().entrySet()) {
        if (e.getKey().startsWith("io.cncf.notary")) {
          throw new NotaException("user metadata key \"" + e.getKey() + "\" is reserved (prefix io.cncf.notary)");
        }
        if (annotations.containsKey(e.getKey())) {
          throw new NotaException("user metadata key \"" + e.getKey() + "\" is already an annotation of the artifact");
        }
        annotations.put(e.getKey(), e.getValue());
      }
      target = target.withAnnotations(annotations);
    }
    Instant expiry = null;
    if (options.expiry() != null) {
      if (options.expiry().isNegative() || options.expiry().isZero()) {
        throw new NotaException("expiry must be a positive duration, got " + options.expiry());
      }
      expiry = signingTime.plus(options.expiry()).truncatedTo(ChronoUnit.SECONDS);
    }
    SignRequest request = new SignRequest(
        new Payload(target).toJson(),
        MediaTypes.NOTARY_PAYLOAD,
        SigningScheme.X509,
        signingTime,
        expiry,
        List.of(),
        options.signingAgent(),
        key);
    byte[] envelope = Envelopes.sign(options.envelopeMediaType(), request);
    return options.timestamper() == null
        ? envelope
        : options.timestamper().countersign(options.envelopeMediaType(), envelope);
  }

  private static Instant signingTime(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private static void pushIfMissing(Target target, Descriptor blob, byte[] bytes) throws OciException {
    if (!target.blobExists(blob)) {
      target.pushBlob(blob, new ByteArrayInputStream(bytes));
    }
  }
}
