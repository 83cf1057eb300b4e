package dev.nota.core.verify;

import dev.nota.core.envelope.Envelopes;
import dev.nota.core.sign.SignatureManifests;
import dev.nota.oci.ContentMismatchException;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.InvalidContentException;
import dev.nota.oci.Manifest;
import dev.nota.oci.NotFoundException;
import dev.nota.oci.OciException;
import dev.nota.oci.OciJson;
import dev.nota.oci.Target;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * The envelopes of one verification run, each downloaded once however many policy statements evaluate it, and in
 * parallel. A signature whose manifest is broken, names another subject or whose envelope is oversized or corrupt
 * is an integrity problem of that signature; a registry that cannot be reached fails the run.
 */
final class SignatureEnvelopes {
  /** A downloaded envelope, or why the signature has none ({@code problem} non-null). */
  record Fetched(String mediaType, byte[] envelope, String problem) {}

  private final Target target;
  private final ExecutorService pool;
  private final Map<Digest, CompletableFuture<Fetched>> fetched = new ConcurrentHashMap<>();

  SignatureEnvelopes(Target target, ExecutorService pool) {
    this.target = target;
    this.pool = pool;
  }

  /** Starts downloading {@code signature}'s envelope unless that has begun already. */
  CompletableFuture<Fetched> start(Descriptor signature, Descriptor subject) {
    return fetched.computeIfAbsent(signature.digest(),
        d -> CompletableFuture.supplyAsync(() -> fetch(signature, subject), pool));
  }

  /** The envelope of {@code signature}, waiting for its download. */
  Fetched get(Descriptor signature, Descriptor subject) throws OciException {
    try {
      return start(signature, subject).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof OciException oci) {
        throw oci;
      }
      throw e;
    }
  }

  private Fetched fetch(Descriptor signature, Descriptor subject) {
    try {
      Manifest manifest = OciJson.parseManifest(target.fetchManifest(signature.digest().toString()).bytes());
      if (!SignatureManifests.isSignatureManifest(manifest) || manifest.layers().size() != 1) {
        return problem("signature manifest " + signature.digest()
            + " is not a Notary signature manifest with exactly one envelope layer");
      }
      if (manifest.subject() == null || !manifest.subject().digest().equals(subject.digest())) {
        return problem("signature manifest " + signature.digest() + " does not name " + subject.digest()
            + " as its subject");
      }
      Descriptor layer = manifest.layers().get(0);
      if (layer.size() > Envelopes.MAX_ENVELOPE_SIZE) {
        return problem("signature envelope of " + signature.digest() + " is " + layer.size()
            + " bytes, over the limit of " + Envelopes.MAX_ENVELOPE_SIZE);
      }
      try (InputStream in = target.fetchBlob(layer)) {
        return new Fetched(layer.mediaType(), in.readAllBytes(), null);
      } catch (ContentMismatchException e) {
        return problem("signature envelope " + layer.digest() + " is corrupt: " + e.getMessage());
      }
    } catch (NotFoundException | InvalidContentException e) {
      return problem(e.getMessage());
    } catch (OciException e) {
      throw new CompletionException(e);
    } catch (IOException e) {
      throw new CompletionException(new OciException("reading signature " + signature.digest() + " failed: "
          + e.getMessage(), e));
    }
  }

  private static Fetched problem(String message) {
    return new Fetched(null, null, message);
  }
}
