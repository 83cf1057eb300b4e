package dev.nota.cli;

import dev.nota.core.tuf.Gun;
import dev.nota.core.tuf.SignedTarget;
import dev.nota.core.tuf.Targets;
import dev.nota.core.tuf.TrustedRepository;
import dev.nota.core.tuf.TufException;
import dev.nota.core.tuf.TufKey;
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

/**
 * {@code nota tuf}: reads and verifies Notary v1 (Docker Content Trust) trust data from a notary server or a trust
 * directory, to the notary client's standard, so v1 trust decisions can be checked and carried over to v2.
 */
@Command(name = "tuf", description = "Read and verify Notary v1 (Docker Content Trust) trust data.",
    subcommands = {TufCommand.ListTags.class, TufCommand.Inspect.class, TufCommand.VerifyTag.class,
      TufMigrateCommand.class})
final class TufCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "missing subcommand: list, inspect, verify or migrate");
  }

  static UserException failure(TufException e) {
    int code = switch (e.kind()) {
      case VERIFICATION -> ExitCode.VERIFICATION_FAILED;
      case NETWORK -> ExitCode.REGISTRY;
      case INPUT -> ExitCode.USAGE;
    };
    return new UserException(code, e.getMessage());
  }

  static Gun gun(String arg) throws UserException {
    try {
      return Gun.fromImage(arg);
    } catch (TufException e) {
      throw failure(e);
    }
  }

  static void warnings(PrintWriter err, TrustedRepository repo) {
    for (String w : repo.warnings()) {
      err.println("Warning: " + w);
    }
  }

  /** {@code nota tuf list}: every signed target, like {@code notary list}. */
  @Command(name = "list", aliases = "ls", description = "List the signed tags of a GUN or image, like notary list.")
  static final class ListTags implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "GUN|IMAGE", description = "e.g. registry.example.com/acme/app or alpine") String target;
    @Option(names = "--roles", paramLabel = "ROLE", description = "Only this role and the roles below it.")
    String role;
    @Mixin TufSourceOptions source;
    private final Context context;

    ListTags(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Gun gun = gun(target);
      if (role != null && !(role.equals("targets") || role.startsWith("targets/"))) {
        throw new UserException("--roles must be targets or a delegation targets/..., got " + role);
      }
      TrustedRepository repo = source.load(context, gun.name());
      PrintWriter out = spec.commandLine().getOut();
      warnings(spec.commandLine().getErr(), repo);
      List<SignedTarget> list = repo.list(role);
      if (source.output == OutputFormat.json) {
        List<Object> tags = new ArrayList<>();
        for (SignedTarget t : list) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", t.name());
          m.put("digest", t.digest());
          m.put("size", t.length());
          m.put("role", t.role());
          m.put("signers", t.signerKeyIds());
          tags.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("gun", gun.name());
        doc.put("tags", tags);
        doc.put("warnings", repo.warnings());
        Json.print(out, doc);
        return ExitCode.OK;
      }
      if (list.isEmpty()) {
        out.println("No targets present in this repository.");
        return ExitCode.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"NAME", "DIGEST", "SIZE (BYTES)", "ROLE"});
      rows.add(new String[] {"----", "------", "------------", "----"});
      for (SignedTarget t : list) {
        rows.add(new String[] {t.name(), t.meta().sha256Hex() == null ? "-" : t.meta().sha256Hex(),
            Long.toString(t.length()), t.role()});
      }
      table(out, rows);
      return ExitCode.OK;
    }
  }

  /** {@code nota tuf inspect}: like {@code docker trust inspect}. */
  @Command(name = "inspect", description = "Signed tags, signers and administrative keys, like docker trust inspect.")
  static final class Inspect implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "IMAGE[:TAG]") String image;
    @Mixin TufSourceOptions source;
    private final Context context;

    Inspect(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Gun gun = gun(image);
      TrustedRepository repo = source.load(context, gun.name());
      warnings(spec.commandLine().getErr(), repo);
      List<Object> signedTags = new ArrayList<>();
      for (SignedTarget t : dockerTags(repo)) {
        if (gun.tag() != null && !gun.tag().equals(t.name())) {
          continue;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("SignedTag", t.name());
        m.put("Digest", t.meta().sha256Hex());
        m.put("Signers", List.of(signerName(t.role())));
        signedTags.add(m);
      }
      List<Object> signers = new ArrayList<>();
      for (TrustedRepository.VerifiedRole r : repo.roles()) {
        for (Targets.Delegation d : r.targets().delegations()) {
          if (repo.role(d.name()) == null && !d.name().equals("targets/releases")) {
            continue;
          }
          List<Object> keys = new ArrayList<>();
          for (String id : d.keys().keyIds()) {
            keys.add(Map.of("ID", r.targets().delegationKeys().get(id).canonicalId()));
          }
          signers.add(Map.of("Name", signerName(d.name()), "Keys", keys));
        }
      }
      List<Object> admin = new ArrayList<>();
      admin.add(Map.of("Name", "Root", "Keys", keyIds(repo, "root")));
      admin.add(Map.of("Name", "Repository", "Keys", keyIds(repo, "targets")));
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("Name", image);
      doc.put("SignedTags", signedTags);
      doc.put("Signers", signers);
      doc.put("AdministrativeKeys", admin);
      if (source.output == OutputFormat.text) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Signatures for " + image);
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SIGNED TAG", "DIGEST", "SIGNERS"});
        for (Object o : signedTags) {
          Map<?, ?> m = (Map<?, ?>) o;
          rows.add(new String[] {(String) m.get("SignedTag"), (String) m.get("Digest"),
              String.join(", ", (List<String>) m.get("Signers"))});
        }
        table(out, rows);
        out.println();
        out.println("List of signers and their keys for " + image);
        out.println();
        rows = new ArrayList<>();
        rows.add(new String[] {"SIGNER", "KEYS"});
        for (Object o : signers) {
          Map<?, ?> m = (Map<?, ?>) o;
          rows.add(new String[] {(String) m.get("Name"), ids((List<?>) m.get("Keys"))});
        }
        table(out, rows);
        out.println();
        out.println("Administrative keys for " + image);
        out.println();
        for (Object o : admin) {
          Map<?, ?> m = (Map<?, ?>) o;
          out.println("  " + m.get("Name") + " Key:\t" + ids((List<?>) m.get("Keys")));
        }
        return ExitCode.OK;
      }
      Json.print(spec.commandLine().getOut(), List.of(doc));
      return ExitCode.OK;
    }

    private static String ids(List<?> keys) {
      List<String> out = new ArrayList<>();
      for (Object k : keys) {
        out.add(String.valueOf(((Map<?, ?>) k).get("ID")));
      }
      return String.join(", ", out);
    }

    private static List<Object> keyIds(TrustedRepository repo, String role) {
      List<Object> out = new ArrayList<>();
      for (String id : repo.root().roles().get(role).keyIds()) {
        TufKey k = repo.root().keys().get(id);
        out.add(Map.of("ID", k.canonicalId()));
      }
      return out;
    }

    private static String signerName(String role) {
      return role.equals("targets") ? "Repo Admin" : role.substring("targets/".length());
    }
  }

  /** {@code nota tuf verify}: the digest a tag's v1 signature pins. */
  @Command(name = "verify", description = "Verify the Notary v1 signature of IMAGE:TAG and print the digest it pins.")
  static final class VerifyTag implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "IMAGE:TAG") String image;
    @Mixin TufSourceOptions source;
    private final Context context;

    VerifyTag(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Gun gun = gun(image);
      if (gun.tag() == null) {
        throw new UserException("give a tag: " + image + ":<tag>");
      }
      TrustedRepository repo = source.load(context, gun.name());
      warnings(spec.commandLine().getErr(), repo);
      SignedTarget t;
      try {
        t = repo.docker(gun.tag());
      } catch (TufException e) {
        throw failure(e);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (source.output == OutputFormat.json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gun", gun.name());
        m.put("tag", t.name());
        m.put("digest", t.digest());
        m.put("size", t.length());
        m.put("role", t.role());
        m.put("signers", t.signerKeyIds());
        Json.print(out, m);
      } else {
        out.println(t.digest());
      }
      return ExitCode.OK;
    }
  }

  /** Tags as Docker shows them: from targets/releases, else targets. */
  static List<SignedTarget> dockerTags(TrustedRepository repo) {
    List<SignedTarget> out = new ArrayList<>();
    for (SignedTarget t : repo.list(null)) {
      try {
        out.add(repo.docker(t.name()));
      } catch (TufException e) {
        // signed by another delegation only: Docker does not show it
      }
    }
    for (SignedTarget t : repo.list("targets/releases")) {
      if (out.stream().noneMatch(o -> o.name().equals(t.name()))) {
        out.add(t);
      }
    }
    out.sort(java.util.Comparator.comparing(SignedTarget::name));
    return out;
  }

  static void table(PrintWriter out, List<String[]> rows) {
    int[] w = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        b.append(r[i]);
        if (i < r.length - 1) {
          b.append(" ".repeat(w[i] - r[i].length() + 4));
        }
      }
      out.println(b.toString().stripTrailing());
    }
  }
}
