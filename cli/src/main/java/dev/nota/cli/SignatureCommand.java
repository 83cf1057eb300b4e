package dev.nota.cli;

import dev.nota.core.sign.SignatureManifests;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Digest;
import dev.nota.oci.InvalidContentException;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.registry.RegistryException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nota signature}: manage the signatures of an artifact; today, remove them (e.g. after a key compromise). */
@Command(name = "signature", description = "Manage the signatures of an artifact.",
    subcommands = SignatureCommand.Delete.class)
final class SignatureCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Deletes one signature (by its manifest digest) or every signature made with one certificate (by its SHA-256
   * thumbprint, as {@code nota list}/{@code discover} and the signature manifest's annotation show it). Where the
   * registry lacks the Referrers API, the entry in the referrers tag index goes first, so no index names a missing
   * manifest.
   */
  @Command(name = "delete", description = "Delete signatures of an artifact.")
  static final class Delete extends ArtifactCommand {
    static final class Which {
      @Option(names = "--signature", paramLabel = "DIGEST", description = "The signature manifest digest.")
      String digest;

      @Option(names = "--signed-by", paramLabel = "THUMBPRINT",
          description = "Delete every signature whose signing certificate has this SHA-256 thumbprint.")
      String thumbprint;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Which which;

    Delete(Context context) {
      super(context);
    }

    @Override
    public Integer call() throws Exception {
      Digest wanted = null;
      String print = null;
      if (which.digest != null) {
        try {
          wanted = Digest.parse(which.digest);
        } catch (InvalidContentException e) {
          throw new UserException("--signature: " + e.getMessage());
        }
      } else {
        print = which.thumbprint.toLowerCase(Locale.ROOT).replaceFirst("^sha256:", "");
        if (!print.matches("[0-9a-f]{64}")) {
          throw new UserException("--signed-by must be a SHA-256 thumbprint (64 hex characters), got \""
              + which.thumbprint + "\"");
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      try (Targets targets = new Targets(context, target)) {
        Targets.Opened opened = targets.open(reference, null, spec.commandLine().getErr());
        List<Descriptor> doomed = new ArrayList<>();
        for (Descriptor d : opened.target().referrers(opened.artifact(), MediaTypes.NOTARY_SIGNATURE)) {
          if (wanted != null ? d.digest().equals(wanted) : leafThumbprint(d).equals(print)) {
            doomed.add(d);
          }
        }
        if (doomed.isEmpty()) {
          throw new UserException(ExitCode.VERIFICATION_FAILED, (wanted != null
              ? "no signature " + wanted : "no signature by certificate " + print) + " is associated with "
              + opened.display());
        }
        for (Descriptor d : doomed) {
          try {
            opened.target().deleteManifest(d);
          } catch (RegistryException e) {
            if (e.status() == 405 || "UNSUPPORTED".equals(e.errorCode())) {
              throw new UserException(ExitCode.REGISTRY, "the registry of " + opened.display()
                  + " does not allow deleting manifests (" + e.status() + " " + e.errorCode()
                  + "); nothing was deleted" + (doomed.indexOf(d) > 0 ? " after " + doomed.indexOf(d) : ""));
            }
            throw e;
          }
          out.println("Deleted signature " + d.digest() + " of " + opened.display());
        }
      }
      return ExitCode.OK;
    }

    private static String leafThumbprint(Descriptor d) {
      String list = d.annotations().getOrDefault(SignatureManifests.THUMBPRINT_ANNOTATION, "");
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("[0-9a-fA-F]{64}").matcher(list);
      return m.find() ? m.group().toLowerCase(Locale.ROOT) : "";
    }
  }
}
