package dev.nota.cli;

import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nota list}: the signatures of an artifact, as a tree like notation's. */
@Command(name = "list", aliases = "ls", description = "List the signatures of an artifact.")
final class ListCommand extends ArtifactCommand {
  @Mixin MaxSignatures maxSignatures;

  @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
  OutputFormat output;

  ListCommand(Context context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Targets targets = new Targets(context, target)) {
      Targets.Opened opened = targets.open(reference, null, spec.commandLine().getErr());
      List<Descriptor> signatures = signatures(opened, maxSignatures.get());
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
