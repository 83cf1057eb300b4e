package dev.nota.cli;

import dev.nota.core.sign.SignatureManifests;
import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciException;
import dev.nota.oci.Target;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nota discover}: the tree of everything that refers to an artifact (signatures, SBOMs, scan results, and what
 * refers to those), read from the Referrers API and the referrers tag schema alike.
 */
@Command(name = "discover", description = "Show the referrers of an artifact as a tree (signatures, SBOMs, ...).")
final class DiscoverCommand extends ArtifactCommand {
  /** How deep the tree is followed; real supply chains nest two or three levels. */
  static final int MAX_DEPTH = 8;
  /** How many referrers are listed in all, so a hostile registry cannot make nota walk forever. */
  static final int MAX_NODES = 10_000;

  @Option(names = "--artifact-type", description = "Only referrers of this type at the first level.")
  String artifactType;

  @Option(names = {"-o", "--output"}, defaultValue = "tree", description = "tree or json.")
  String output;

  private int nodes;

  DiscoverCommand(Context context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    if (!output.equals("tree") && !output.equals("json")) {
      throw new UserException("--output must be tree or json, got \"" + output + "\"");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Targets targets = new Targets(context, target)) {
      Targets.Opened opened = targets.open(reference, null, spec.commandLine().getErr());
      List<Map<String, Object>> tree = referrers(opened.target(), opened.artifact(), artifactType, 1);
      if (output.equals("json")) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("reference", opened.display());
        doc.put("mediaType", opened.artifact().mediaType());
        doc.put("digest", opened.artifact().digest().toString());
        doc.put("size", opened.artifact().size());
        doc.put("referrers", tree);
        Json.print(out, doc);
      } else {
        out.println(opened.display());
        printLevel(out, tree, "");
        if (tree.isEmpty()) {
          out.println("(no referrers)");
        }
      }
    }
    return ExitCode.OK;
  }

  private List<Map<String, Object>> referrers(Target t, Descriptor subject, String type, int depth)
      throws OciException, UserException {
    List<Map<String, Object>> out = new ArrayList<>();
    if (depth > MAX_DEPTH) {
      return out;
    }
    for (Descriptor d : t.referrers(subject, type)) {
      if (++nodes > MAX_NODES) {
        throw new UserException(ExitCode.REGISTRY, "more than " + MAX_NODES + " referrers under "
            + subject.digest() + "; refusing to walk further");
      }
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("digest", d.digest().toString());
      node.put("mediaType", d.mediaType());
      node.put("artifactType", d.artifactType());
      node.put("size", d.size());
      if (!d.annotations().isEmpty()) {
        node.put("annotations", d.annotations());
      }
      String signer = signer(d);
      if (signer != null) {
        node.put("signerThumbprint", signer);
      }
      node.put("referrers", referrers(t, d, null, depth + 1));
      out.add(node);
    }
    return out;
  }

  /** The leaf certificate thumbprint a Notary signature manifest names, without downloading the envelope. */
  private static String signer(Descriptor d) {
    if (!MediaTypes.NOTARY_SIGNATURE.equals(d.artifactType())) {
      return null;
    }
    String list = d.annotations().get(SignatureManifests.THUMBPRINT_ANNOTATION);
    if (list == null) {
      return null;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("[0-9a-fA-F]{64}").matcher(list);
    return m.find() ? m.group().toLowerCase(java.util.Locale.ROOT) : null;
  }

  /** Groups by artifact type, as oras discover draws it. */
  @SuppressWarnings("unchecked")
  private static void printLevel(PrintWriter out, List<Map<String, Object>> nodes, String indent) {
    Map<String, List<Map<String, Object>>> byType = new LinkedHashMap<>();
    for (Map<String, Object> n : nodes) {
      String type = n.get("artifactType") == null ? String.valueOf(n.get("mediaType")) : (String) n.get("artifactType");
      byType.computeIfAbsent(type, k -> new ArrayList<>()).add(n);
    }
    int i = 0;
    for (Map.Entry<String, List<Map<String, Object>>> group : byType.entrySet()) {
      boolean lastGroup = ++i == byType.size();
      out.println(indent + (lastGroup ? "└── " : "├── ") + group.getKey());
      String groupIndent = indent + (lastGroup ? "    " : "│   ");
      List<Map<String, Object>> members = group.getValue();
      for (int j = 0; j < members.size(); j++) {
        Map<String, Object> n = members.get(j);
        boolean last = j == members.size() - 1;
        Object signer = n.get("signerThumbprint");
        out.println(groupIndent + (last ? "└── " : "├── ") + n.get("digest")
            + (signer == null ? "" : " (signer certificate sha256 " + signer + ")"));
        printLevel(out, (List<Map<String, Object>>) n.get("referrers"), groupIndent + (last ? "    " : "│   "));
      }
    }
  }
}
