package dev.nota.core.verify;

import dev.nota.core.NotaException;
import dev.nota.core.envelope.Envelopes;
import dev.nota.core.sign.SignatureManifests;
import dev.nota.core.x509.Certificates;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Manifest;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciException;
import dev.nota.oci.OciJson;
import dev.nota.oci.Target;
import dev.nota.policy.PolicyException;
import dev.nota.policy.TrustStore;
import dev.nota.policy.TrustStoreRef;
import dev.nota.policy.TrustStoreType;
import dev.nota.policy.ValidationAction;
import dev.nota.policy.ValidationType;
import dev.nota.policy.VerificationLevel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Verifies every Notary signature of an artifact in a {@link Target} against one trust policy statement. Signatures
 * whose thumbprint annotation names no certificate of the policy's trust stores are skipped without downloading their
 * envelopes (only when the policy enforces authenticity, so that audit runs still see them); the rest are fetched in
 * parallel and checked by {@link EnvelopeVerifier}.
 */
public final class Verifier {
  /** notation's default limit on signatures evaluated per artifact. */
  public static final int DEFAULT_MAX_SIGNATURES = 100;

  private final EnvelopeVerifier envelopes;
  private final int parallelism;

  /** Verifies with {@code envelopes}' checks and trust store, fetching up to {@code parallelism} envelopes at once. */
  public Verifier(EnvelopeVerifier envelopes, int parallelism) {
    this.envelopes = envelopes;
    this.parallelism = Math.max(1, parallelism);
  }

  /**
   * Verifies {@code artifact} in {@code target} under {@code policy}.
   *
   * @param userMetadata pairs that must be in the signed payload
   * @param maxSignatures how many signatures to evaluate at most
   */
  public VerificationOutcome verify(
      Target target,
      Descriptor artifact,
      PolicyStatement policy,
      Map<String, String> userMetadata,
      int maxSignatures) throws OciException, NotaException {
    if (policy.signatureVerification().level() == VerificationLevel.SKIP) {
      return new VerificationOutcome(artifact, policy.name(), VerificationOutcome.Status.SKIPPED, List.of());
    }
    List<Descriptor> referrers = target.referrers(artifact, MediaTypes.NOTARY_SIGNATURE);
    if (referrers.isEmpty()) {
      return new VerificationOutcome(artifact, policy.name(), VerificationOutcome.Status.NO_SIGNATURE, List.of());
    }
    if (referrers.size() > maxSignatures) {
      referrers = referrers.subList(0, maxSignatures);
    }
    // One read of each trust store serves the pre-filter and every signature's checks.
    TrustStore trustStore = new ReadOnceTrustStore(envelopes.trustStore());
    EnvelopeVerifier checks = envelopes.withTrustStore(trustStore);
    Set<String> trusted = trustedThumbprints(trustStore, policy);
    List<CompletableFuture<SignatureResult>> futures = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, referrers.size()), r -> {
      Thread t = new Thread(r, "nota-verify");
      t.setDaemon(true);
      return t;
    });
    try {
      for (Descriptor signature : referrers) {
        List<String> thumbprints = SignatureManifests.thumbprints(signature.annotations());
        if (trusted != null && !thumbprints.isEmpty() && thumbprints.stream().noneMatch(trusted::contains)) {
          CheckResult untrusted = new CheckResult(ValidationType.AUTHENTICITY, ValidationAction.ENFORCE, false,
              "the signature's certificate chain does not contain any trusted certificate of the trust stores of "
                  + "policy \"" + policy.name() + "\" (by its thumbprint annotation)");
          futures.add(CompletableFuture.completedFuture(new SignatureResult(signature, null, null,
              List.of(untrusted), "envelope not downloaded: its signer is not in the policy's trust stores")));
          continue;
        }
        futures.add(CompletableFuture.supplyAsync(
            () -> evaluate(checks, target, signature, artifact, policy, userMetadata), pool));
      }
      List<SignatureResult> results = new ArrayList<>();
      for (CompletableFuture<SignatureResult> f : futures) {
        results.add(join(f));
      }
      boolean any = results.stream().anyMatch(SignatureResult::verified);
      return new VerificationOutcome(artifact, policy.name(),
          any ? VerificationOutcome.Status.VERIFIED : VerificationOutcome.Status.FAILED, results);
    } finally {
      pool.shutdownNow();
    }
  }

  private static SignatureResult evaluate(
      EnvelopeVerifier checks,
      Target target,
      Descriptor signature,
      Descriptor artifact,
      PolicyStatement policy,
      Map<String, String> userMetadata) {
    try {
      Manifest manifest = OciJson.parseManifest(target.fetchManifest(signature.digest().toString()).bytes());
      if (!SignatureManifests.isSignatureManifest(manifest) || manifest.layers().size() != 1) {
        return integrityFailure(signature, policy, "signature manifest " + signature.digest()
            + " is not a Notary signature manifest with exactly one envelope layer");
      }
      if (manifest.subject() == null || !manifest.subject().digest().equals(artifact.digest())) {
        return integrityFailure(signature, policy, "signature manifest " + signature.digest()
            + " does not name " + artifact.digest() + " as its subject");
      }
      Descriptor layer = manifest.layers().get(0);
      if (layer.size() > Envelopes.MAX_ENVELOPE_SIZE) {
        return integrityFailure(signature, policy, "signature envelope of " + signature.digest() + " is "
            + layer.size() + " bytes, over the limit of " + Envelopes.MAX_ENVELOPE_SIZE);
      }
      byte[] envelope;
      try (InputStream in = target.fetchBlob(layer)) {
        envelope = in.readAllBytes();
      } catch (dev.nota.oci.ContentMismatchException e) {
        return integrityFailure(signature, policy, "signature envelope " + layer.digest() + " is corrupt: "
            + e.getMessage());
      }
      return checks.verify(signature, layer.mediaType(), envelope, artifact, policy, userMetadata);
    } catch (dev.nota.oci.NotFoundException | dev.nota.oci.InvalidContentException e) {
      // A dangling index entry or a broken signature manifest fails that signature, not the whole verification.
      return integrityFailure(signature, policy, e.getMessage());
    } catch (OciException e) {
      throw new CompletionException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SignatureResult integrityFailure(Descriptor signature, PolicyStatement policy, String message) {
    CheckResult check = new CheckResult(ValidationType.INTEGRITY, ValidationAction.ENFORCE, false, message);
    return new SignatureResult(signature, null, null, List.of(check), null);
  }

  /**
   * The thumbprints of every certificate in the policy's stores, or null when the pre-filter must not be used
   * (authenticity is not enforced, so an untrusted signature could still pass).
   */
  private static Set<String> trustedThumbprints(TrustStore trustStore, PolicyStatement policy) {
    if (policy.signatureVerification().action(ValidationType.AUTHENTICITY) != ValidationAction.ENFORCE) {
      return null;
    }
    Set<String> out = new HashSet<>();
    for (TrustStoreRef ref : policy.trustStores()) {
      if (ref.type() == TrustStoreType.TSA) {
        continue;
      }
      try {
        trustStore.certificates(ref.type(), ref.name()).forEach(c -> out.add(Certificates.sha256Thumbprint(c)));
      } catch (PolicyException e) {
        return null; // let each signature report the store problem through the authenticity check
      }
    }
    return out;
  }

  private static SignatureResult join(CompletableFuture<SignatureResult> f) throws OciException {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof OciException oci) {
        throw oci;
      }
      if (cause instanceof UncheckedIOException io) {
        throw new OciException("reading a signature failed: " + io.getCause().getMessage(), io.getCause());
      }
      throw e;
    }
  }
}
