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
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Signs an artifact: builds the Notary payload for its descriptor, wraps it in a JWS or COSE envelope signed by a
 * {@link PrimitiveSigner}, and pushes envelope, config and signature manifest to the target as a referrer of the
 * artifact. With a {@link Timestamper}, the signature is countersigned by a TSA and the token goes into the
 * envelope's unsigned header. Nothing is pushed when any step before the push fails, timestamping included.
 *
 * <p>Keys that build the whole envelope themselves (notation's {@code SIGNATURE_GENERATOR.ENVELOPE} plugins) come in
 * through {@link EnvelopeProducer}: the signer hands them the payload and pushes what they return.
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

  /**
   * What an {@link EnvelopeProducer} is asked to sign: the payload for {@code target} (user metadata already among
   * its annotations), to be wrapped in an envelope of {@code envelopeMediaType}.
   *
   * @param expiry the signature lifetime the user asked for, or null
   */
  public record EnvelopeRequest(
      String envelopeMediaType, Descriptor target, byte[] payload, Duration expiry, String signingAgent) {
    public EnvelopeRequest {
      Objects.requireNonNull(envelopeMediaType, "envelopeMediaType");
      Objects.requireNonNull(target, "target");
      payload = payload.clone();
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }
  }

  /**
   * An envelope made by an {@link EnvelopeProducer}: its bytes, the certificate chain inside it (leaf first) and
   * annotations to add to the signature manifest.
   */
  public record Produced(byte[] envelope, List<X509Certificate> chain, Map<String, String> annotations) {
    public Produced {
      envelope = envelope.clone();
      chain = List.copyOf(chain);
      annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    @Override
    public byte[] envelope() {
      return envelope.clone();
    }
  }

  /**
   * Builds a whole signed envelope: the seam for keys whose holder makes the envelope (an envelope plugin). The
   * producer must check what it returns: an envelope of the requested type whose payload is the requested one.
   */
  public interface EnvelopeProducer {
    Produced produce(EnvelopeRequest request) throws NotaException;
  }

  private Signer() {}

  /**
   * Signs {@code artifact} with an envelope {@code producer} and pushes the signature. The producer is responsible
   * for any timestamp, so asking for one here is an error; its annotations join the signature manifest's but may not
   * replace nota's own ({@code io.cncf.notary.*}, the creation time).
   */
  public static Result sign(Target target, Descriptor artifact, EnvelopeProducer producer, Options options)
      throws NotaException, OciException {
    if (options.timestamper() != null) {
      throw new NotaException("a key that builds its own signature envelope (an envelope plugin) timestamps it "
          + "itself; nota cannot add a timestamp to it");
    }
    Instant signingTime = signingTime(options.clock());
    Descriptor payloadTarget = payloadTarget(artifact, options);
    Produced produced = producer.produce(new EnvelopeRequest(options.envelopeMediaType(), payloadTarget,
        new Payload(payloadTarget).toJson(), options.expiry(), options.signingAgent()));
    byte[] envelope = produced.envelope();
    Descriptor envelopeDescriptor = Descriptor.of(options.envelopeMediaType(), envelope);
    Manifest manifest = SignatureManifests.build(
        options.manifestForm(), artifact, envelopeDescriptor, produced.chain(), signingTime);
    if (!produced.annotations().isEmpty()) {
      Map<String, String> annotations = new LinkedHashMap<>(produced.annotations());
      for (String key : annotations.keySet()) {
        if (key.startsWith("io.cncf.notary") || manifest.annotations().containsKey(key)) {
          throw new NotaException("the envelope producer returned the annotation \"" + key
              + "\", which nota sets itself");
        }
      }
      annotations.putAll(manifest.annotations());
      manifest = Manifest.of(manifest.artifactType(), manifest.config(), manifest.layers(), manifest.subject(),
          annotations);
    }
    return push(target, artifact, envelopeDescriptor, envelope, manifest);
  }

  /** Signs {@code artifact} (a manifest or index in {@code target}) and pushes the signature to {@code target}. */
  public static Result sign(Target target, Descriptor artifact, PrimitiveSigner key, Options options)
      throws NotaException, OciException {
    Instant signingTime = signingTime(options.clock());
    byte[] envelope = createEnvelope(artifact, key, options, signingTime);
    Descriptor envelopeDescriptor = Descriptor.of(options.envelopeMediaType(), envelope);
    Manifest manifest = SignatureManifests.build(
        options.manifestForm(), artifact, envelopeDescriptor, key.certificateChain(), signingTime);
    return push(target, artifact, envelopeDescriptor, envelope, manifest);
  }

  private static Result push(
      Target target, Descriptor artifact, Descriptor envelopeDescriptor, byte[] envelope, Manifest manifest)
      throws OciException {
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
    Descriptor target = payloadTarget(artifact, options);
    Instant expiry = null;
    if (options.expiry() != null) {
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

  /** The descriptor the payload names: the artifact with the user metadata as annotations; checks the expiry. */
  private static Descriptor payloadTarget(Descriptor artifact, Options options) throws NotaException {
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
    if (options.expiry() != null && (options.expiry().isNegative() || options.expiry().isZero())) {
      throw new NotaException("expiry must be a positive duration, got " + options.expiry());
    }
    return target;
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
