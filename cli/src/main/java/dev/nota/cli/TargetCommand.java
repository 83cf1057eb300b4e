package dev.nota.cli;

import dev.nota.oci.Descriptor;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the commands that open artifacts share: how to reach them, and the context. {@link ArtifactCommand} adds the
 * one reference most commands take; {@link BulkArtifactCommand} takes many.
 */
abstract class TargetCommand implements Callable<Integer>, Nota.Debuggable {
  @Spec CommandSpec spec;
  @Mixin TargetOptions target;

  final Context context;

  TargetCommand(Context context) {
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
