package dev.nota.cli;

import picocli.CommandLine.Parameters;

/** A command that works on exactly one artifact: its reference, besides what {@link TargetCommand} shares. */
abstract class ArtifactCommand extends TargetCommand {
  @Parameters(index = "0", paramLabel = "REFERENCE",
      description = "The artifact: registry/repo:tag or registry/repo@digest (with --oci-layout: dir:tag or dir@digest).")
  String reference;

  ArtifactCommand(Context context) {
    super(context);
  }
}
