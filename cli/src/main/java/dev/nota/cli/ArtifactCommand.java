package dev.nota.cli;

import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What the commands that work on one artifact share: its reference, how to reach it, and the context. */
abstract class ArtifactCommand implements Callable<Integer>, Nota.Debuggable {
  @Spec CommandSpec spec;
  @Mixin TargetOptions target;

  @Parameters(index = "0", paramLabel = "REFERENCE",
      description = "The artifact: registry/repo:tag or registry/repo@digest (with --oci-layout: dir:tag or dir@digest).")
  String reference;

  final Context context;

  ArtifactCommand(Context context) {
    this.context = context;
  }

  @Override
  public boolean debug() {
    return target.debug;
  }

  /** The Notary signatures of the opened artifact, at most {@code max}. */
  static List<Descriptor> signatures(Targets.Opened opened, int max) throws OciException {
    List<Descriptor> all = opened.target().referrers(opened.artifact(), MediaTypes.NOTARY_SIGNATURE);
    return all.size() > max ? all.subList(0, max) : all;
  }
}
