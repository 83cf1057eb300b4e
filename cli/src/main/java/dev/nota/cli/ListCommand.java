package dev.nota.cli;

import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nota list}: the signatures of an artifact, as a tree like notation's. */
@Command(name = "list", aliases = "ls", description = "List the signatures of an artifact.")
final class ListCommand implements Callable<Integer>, Nota.Debuggable {
  @Spec CommandSpec spec;
  @Mixin TargetOptions target;

  @Parameters(index = "0", paramLabel = "REFERENCE")
  String reference;

  @Option(names = "--max-signatures", defaultValue = "100", description = "Most signatures to list.")
  int maxSignatures;

  @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
  OutputFormat output;

  private final Context context;

  ListCommand(Context context) {
    this.context = context;
  }

  @Override
  public boolean debug() {
    return target.debug;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Targets targets = new Targets(context, target)) {
      Targets.Opened opened = targets.open(reference, null, spec.commandLine().getErr());
      List<Descriptor> signatures = opened.target().referrers(opened.artifact(), MediaTypes.NOTARY_SIGNATURE);
      if (signatures.size() > maxSignatures) {
        signatures = signatures.subList(0, maxSignatures);
      }
      if (output == OutputFormat.json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("reference", opened.display());
        List<Object> list = new ArrayList<>();
        for (Descriptor d : signatures) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("digest", d.digest().toString());
          m.put("mediaType", d.mediaType());
          m.put("size", d.size());
          m.put("artifactType", d.artifactType());
          m.put("annotations", d.annotations());
          list.add(m);
        }
        doc.put("signatures", list);
        Json.print(out, doc);
        return ExitCode.OK;
      }
      if (signatures.isEmpty()) {
        out.println(opened.display() + " has no associated signature");
        return ExitCode.OK;
      }
      out.println(opened.display());
      out.println("└── " + MediaTypes.NOTARY_SIGNATURE);
      for (int i = 0; i < signatures.size(); i++) {
        out.println("    " + (i == signatures.size() - 1 ? "└── " : "├── ") + signatures.get(i).digest());
      }
      return ExitCode.OK;
    }
  }
}
