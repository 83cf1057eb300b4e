package dev.nota.cli;

import dev.nota.core.NotaException;
import dev.nota.core.sign.Signer;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Index;
import dev.nota.oci.ManifestContent;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciException;
import dev.nota.oci.OciJson;
import dev.nota.oci.Target;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code nota sign} adds around {@link Signer}: choosing the key (a named key, or {@code --plugin} with
 * {@code --id}), signing with it in whichever form it has (nota builds the envelope, or an envelope plugin does), and
 * for {@code --recursive} the manifests an index lists.
 */
final class Signing {
  /** More levels of nested indexes than any real image has; deeper nesting is refused. */
  private static final int MAX_DEPTH = 8;

  private Signing() {}

  /**
   * The signing key the flags name: {@code --plugin NAME --id KEY_ID} (an installed plugin's key, not in
   * signingkeys.json), else the key {@code keyName} (null: the default key); {@code pluginConfig} (repeatable
   * {@code --plugin-config k=v}) goes to the plugin, over a stored key's own settings.
   */
  static SigningKeyLoader.Loaded key(Context context, String keyName, String plugin, String id,
      List<String> pluginConfig, KeySecretOptions secrets, PrintWriter debug) throws Exception {
    Map<String, String> config = KeyValues.parse("--plugin-config", pluginConfig);
    if (plugin != null || id != null) {
      if (keyName != null) {
        throw new UserException("--key and --plugin cannot be used together");
      }
      if (plugin == null || id == null || plugin.isEmpty() || id.isEmpty()) {
        throw new UserException("--plugin and --id must be used together");
      }
      return SigningKeyLoader.plugin(context, plugin, id, config, debug);
    }
    return SigningKeyLoader.loadAny(context, keyName, secrets, config, debug);
  }

  /** Signs {@code artifact} in {@code target} with {@code key}, whichever form it has, and pushes the signature. */
  static Signer.Result sign(Target target, Descriptor artifact, SigningKeyLoader.Loaded key, Signer.Options options)
      throws NotaException, OciException {
    return key.raw() != null
        ? Signer.sign(target, artifact, key.raw(), options)
        : Signer.sign(target, artifact, key.envelope(), options);
  }

  /**
   * The manifests {@code artifact} lists when it is an index (nested indexes and what they list included, each
   * once, in order), each fetched to make sure it is in {@code target} as the index describes it; empty for a
   * manifest.
   */
  static List<Descriptor> listedManifests(Target target, Descriptor artifact) throws OciException, UserException {
    List<Descriptor> out = new ArrayList<>();
    collect(target, artifact, out, new HashSet<>(Set.of(artifact.digest().toString())), 0);
    return out;
  }

  private static void collect(Target target, Descriptor artifact, List<Descriptor> out, Set<String> seen, int depth)
      throws OciException, UserException {
    if (!MediaTypes.isIndex(artifact.mediaType())) {
      return;
    }
    if (depth >= MAX_DEPTH) {
      throw new UserException("--recursive: indexes are nested more than " + MAX_DEPTH + " levels deep at "
          + artifact.digest());
    }
    ManifestContent content = target.fetchManifest(artifact.digest().toString());
    Index index = OciJson.parseIndex(content.bytes());
    for (Descriptor listed : index.manifests()) {
      if (!seen.add(listed.digest().toString())) {
        continue;
      }
      ManifestContent child = target.fetchManifest(listed.digest().toString());
      if (child.descriptor().size() != listed.size()) {
        throw new UserException("--recursive: index " + artifact.digest() + " lists " + listed.digest() + " with size "
            + listed.size() + ", but it is " + child.descriptor().size() + " bytes");
      }
      out.add(listed.plain());
      collect(target, listed, out, seen, depth + 1);
    }
  }
}
