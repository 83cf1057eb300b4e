package dev.nota.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * A command that works on one artifact or on many in one process ({@code sign}, {@code verify}): references on the
 * command line and in {@code --from-file}, so that the configuration, keys and registry connections are loaded once
 * for all of them. With one reference on the command line and no {@code --from-file}, it behaves as a one-artifact
 * command.
 */
abstract class BulkArtifactCommand extends TargetCommand {
  /** The most references one run takes, so that a runaway input fails early rather than after hours. */
  static final int MAX_REFERENCES = 100_000;
  /** The most artifacts worked on at once. */
  static final int MAX_CONCURRENCY = 64;

  @Parameters(arity = "0..*", paramLabel = "REFERENCE",
      description = "The artifact: registry/repo:tag or registry/repo@digest (with --oci-layout: dir:tag or "
          + "dir@digest). Several may be given (bulk mode).")
  List<String> references;

  @Option(names = "--from-file", paramLabel = "FILE",
      description = "Also take references from FILE (- for standard input), one a line; blank lines and lines "
          + "starting with # are ignored (bulk mode).")
  String fromFile;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4",
      description = "In bulk mode, how many artifacts to work on at once (1 to " + MAX_CONCURRENCY
          + ", default: ${DEFAULT-VALUE}); the output keeps the input order.")
  int concurrency;

  BulkArtifactCommand(Context context) {
    super(context);
  }

  /** Whether this run works on a list (several references, or {@code --from-file}) rather than one artifact. */
  boolean bulk() {
    return fromFile != null || (references != null && references.size() > 1);
  }

  /**
   * Every reference of this run, in order: the command line's, then {@code --from-file}'s.
   *
   * @param stdinTaken the flag that already reads standard input, or null
   * @throws UserException (exit 2) for a missing or unreadable list, an empty list, or flags that do not go with a list
   */
  List<String> references(String stdinTaken) throws UserException {
    List<String> all = new ArrayList<>();
    for (String r : references == null ? List.<String>of() : references) {
      // Unknown options reach here as positional parameters (see Nota: "-@sha256:..." names a layout on stdin).
      if (r.startsWith("-") && !r.startsWith("-@") && !r.startsWith("-:")) {
        throw new ParameterException(spec.commandLine(), "Unknown option: '" + r + "'");
      }
      all.add(r);
    }
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new UserException("--concurrency must be between 1 and " + MAX_CONCURRENCY + ", got " + concurrency);
    }
    if (fromFile != null) {
      if (fromFile.equals("-") && stdinTaken != null) {
        throw new UserException("--from-file - and " + stdinTaken + " both read standard input; put the references"
            + " in a file");
      }
      all.addAll(readList(fromFile));
      if (all.isEmpty()) {
        throw new UserException("--from-file " + fromFile + " lists no reference");
      }
    }
    if (all.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "Missing required parameter: 'REFERENCE'");
    }
    if (all.size() > MAX_REFERENCES) {
      throw new UserException("more than " + MAX_REFERENCES + " references; split the list");
    }
    if (bulk() && target.ociLayout) {
      throw new UserException("--oci-layout takes one reference; run one command per layout");
    }
    return all;
  }

  private List<String> readList(String name) throws UserException {
    List<String> out = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(reader(name))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String r = line.strip();
        if (r.isEmpty() || r.startsWith("#")) {
          continue;
        }
        if (out.size() >= MAX_REFERENCES) {
          throw new UserException("--from-file " + name + " lists more than " + MAX_REFERENCES
              + " references; split it");
        }
        out.add(r);
      }
    } catch (NoSuchFileException e) {
      throw new UserException("--from-file " + name + ": no such file");
    } catch (CharacterCodingException e) {
      throw new UserException("--from-file " + name + ": not UTF-8 text");
    } catch (IOException e) {
      throw new UserException("--from-file " + name + ": cannot read: " + e.getMessage());
    }
    return out;
  }

  private Reader reader(String name) throws IOException {
    var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    if (name.equals("-")) {
      return new InputStreamReader(context.stdin(), decoder);
    }
    Path path = Path.of(name);
    if (Files.isDirectory(path)) {
      throw new IOException("is a directory");
    }
    return new InputStreamReader(Files.newInputStream(path), decoder);
  }
}
