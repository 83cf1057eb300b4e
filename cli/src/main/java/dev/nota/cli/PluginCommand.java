package dev.nota.cli;

import dev.nota.core.plugin.PluginHost;
import dev.nota.core.plugin.PluginMetadata;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nota plugin}: the notation plugins in {@code <config>/plugins}, listed, installed from a file or a URL (with
 * its SHA-256), and uninstalled. The directory is notation's, so a plugin installed by either tool serves both.
 */
@Command(name = "plugin", description = "Manage notation plugins (signing keys held elsewhere, verification plugins).",
    subcommands = {PluginCommand.ListPlugins.class, PluginCommand.Install.class, PluginCommand.Uninstall.class})
final class PluginCommand implements Runnable {
  /** notation's limit on a plugin download. */
  private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(10);

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", aliases = "ls", description = "List installed plugins; a plugin that cannot be used is "
      + "listed with the reason.")
  static final class ListPlugins implements Callable<Integer>, Nota.Debuggable {
    @Spec CommandSpec spec;
    @Option(names = {"-d", "--debug"}, description = "Show what plugins write to standard error.") boolean debug;
    private final Context context;

    ListPlugins(Context context) {
      this.context = context;
    }

    @Override
    public boolean debug() {
      return debug;
    }

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      List<PluginHost.Listed> listed = Plugins.host(context, debug ? spec.commandLine().getErr() : null).list();
      String format = "%-" + width(listed.stream().map(PluginHost.Listed::name), "NAME") + "s   %-"
          + width(listed.stream().map(l -> l.metadata() == null ? "" : l.metadata().description()), "DESCRIPTION")
          + "s   %-" + width(listed.stream().map(l -> l.metadata() == null ? "" : l.metadata().version()), "VERSION")
          + "s   %-" + width(listed.stream().map(ListPlugins::capabilities), "CAPABILITIES") + "s   %s%n";
      out.printf(format, "NAME", "DESCRIPTION", "VERSION", "CAPABILITIES", "ERROR");
      for (PluginHost.Listed l : listed) {
        PluginMetadata m = l.metadata();
        // whatever a plugin answers is shown without control characters (no terminal escapes from a plugin)
        out.printf(format, l.name(), m == null ? "" : printable(m.description()),
            m == null ? "" : printable(m.version()), printable(capabilities(l)),
            l.error() == null ? "" : printable(l.error()));
      }
      return ExitCode.OK;
    }

    private static String printable(String s) {
      return s.replaceAll("\\p{Cntrl}", " ");
    }

    private static String capabilities(PluginHost.Listed l) {
      return l.metadata() == null ? "" : "[" + String.join(" ", l.metadata().capabilities()) + "]";
    }

    private static int width(Stream<String> values, String header) {
      return Math.max(header.length(), values.mapToInt(String::length).max().orElse(0));
    }
  }

  @Command(name = "install", aliases = "add", description = "Install a plugin executable (named notation-<name>) "
      + "from a file or an http(s) URL. A URL needs --sha256sum; the plugin must answer get-plugin-metadata.",
      footer = {"%nExamples:",
          "  nota plugin install ./notation-example --sha256sum 1f3a...",
          "  nota plugin install https://example.com/notation-example --sha256sum 1f3a...",
          "  nota plugin install --force ./notation-example"})
  static final class Install implements Callable<Integer>, Nota.Debuggable {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "FILE|URL", description = "The plugin executable: a path, or an http(s) URL.")
    String source;
    @Option(names = {"--sha256sum", "--sha256"}, paramLabel = "HEX",
        description = "The SHA-256 the plugin file must have (required for a URL).")
    String sha256;
    @Option(names = "--force", description = "Replace an installed plugin even when this one is not newer.")
    boolean force;
    @Option(names = "--file", description = "The source is a file (notation's flag; the default for a path).")
    boolean file;
    @Option(names = "--url", description = "The source is a URL (notation's flag; the default for http(s)://).")
    boolean url;
    @Option(names = {"-d", "--debug"}, description = "Show what the plugin writes to standard error.") boolean debug;
    private final Context context;

    Install(Context context) {
      this.context = context;
    }

    @Override
    public boolean debug() {
      return debug;
    }

    @Override
    public Integer call() throws Exception {
      if (file && url) {
        throw new UserException("--file and --url cannot be used together");
      }
      String lower = source.toLowerCase(Locale.ROOT);
      boolean remote = url || (!file && (lower.startsWith("https://") || lower.startsWith("http://")));
      if (sha256 != null && !sha256.strip().toLowerCase(Locale.ROOT).matches("[0-9a-f]{64}")) {
        throw new UserException("--sha256sum must be 64 hex digits");
      }
      PluginHost host = Plugins.host(context, debug ? spec.commandLine().getErr() : null);
      PluginMetadata installed;
      if (remote) {
        if (sha256 == null) {
          throw new UserException("installing a plugin from a URL needs --sha256sum, the SHA-256 of the file");
        }
        Path tmp = Files.createTempDirectory("nota-plugin-");
        try {
          installed = host.install(download(source, tmp), sha256, force);
        } finally {
          try (Stream<Path> files = Files.walk(tmp)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
          }
        }
      } else {
        Path path = Path.of(source);
        if (!Files.exists(path)) {
          throw new UserException("cannot install " + source + ": no such file");
        }
        if (Files.isRegularFile(path) && !Files.isExecutable(path)) {
          // As notation: a plugin file on disk must already be executable (a download is made so by nota).
          throw new UserException("cannot install " + source + ": the file is not executable (chmod +x it first)");
        }
        installed = host.install(path, sha256, force);
      }
      spec.commandLine().getOut().println("Successfully installed plugin " + installed.name() + ", version "
          + installed.version());
      return ExitCode.OK;
    }

    /** Downloads {@code url} into {@code dir} under the URL's last path segment, at most the plugin size limit. */
    private static Path download(String url, Path dir) throws UserException, InterruptedException {
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new UserException("\"" + url + "\" is not a URL: " + e.getReason());
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
        throw new UserException("a plugin URL must be http(s)://host/..., got \"" + url + "\"");
      }
      String path = uri.getPath() == null ? "" : uri.getPath();
      String name = path.substring(path.lastIndexOf('/') + 1);
      if (!name.startsWith("notation-") || name.length() == "notation-".length()) {
        throw new UserException("cannot install " + url + ": the URL must name a plugin executable notation-<name> "
            + "(archives are not supported: extract the executable first)");
      }
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
          .followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(DOWNLOAD_TIMEOUT).GET().build();
      Path target = dir.resolve(name);
      try {
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
          if (response.statusCode() != 200) {
            throw new UserException(ExitCode.REGISTRY, "cannot download plugin " + url + ": HTTP "
                + response.statusCode() + snippet(in));
          }
          try (OutputStream o = Files.newOutputStream(target)) {
            byte[] buffer = new byte[65536];
            long total = 0;
            for (int n; (n = in.read(buffer)) != -1; ) {
              total += n;
              if (total > PluginHost.MAX_PLUGIN_SIZE) {
                throw new UserException("cannot install " + url + ": it is over the " + PluginHost.MAX_PLUGIN_SIZE
                    + "-byte limit");
              }
              o.write(buffer, 0, n);
            }
          }
        }
      } catch (IOException e) {
        throw new UserException(ExitCode.REGISTRY, "cannot download plugin " + url + ": " + e);
      }
      return target;
    }

    private static String snippet(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(new OutputStream() {
        @Override
        public void write(int c) {
          if (b.size() < 200) {
            b.write(c);
          }
        }
      });
      String s = b.toString(StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", " ").strip();
      return s.isEmpty() ? "" : " (" + s + ")";
    }
  }

  @Command(name = "uninstall", aliases = {"remove", "rm"}, description = "Uninstall a plugin (asks first, unless "
      + "--yes).")
  static final class Uninstall implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.") boolean yes;
    private final Context context;

    Uninstall(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      PluginHost host = Plugins.host(context, null);
      // A missing plugin is an error before any question; a broken one (not executable...) can still be removed.
      if (name.isEmpty() || name.startsWith(".") || name.contains("/")
          || !Files.isDirectory(host.directory().resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new UserException("plugin \"" + name.replaceAll("\\p{Cntrl}", " ") + "\" is not installed; "
            + "'nota plugin list' shows the installed plugins");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (!yes) {
        out.print("Are you sure you want to uninstall plugin \"" + name + "\"? [y/N] ");
        out.flush();
        String answer = readLine(context.stdin()).strip().toLowerCase(Locale.ROOT);
        if (!answer.equals("y") && !answer.equals("yes")) {
          out.println("Operation cancelled.");
          return ExitCode.OK;
        }
      }
      host.uninstall(name);
      out.println("Successfully uninstalled plugin " + name);
      return ExitCode.OK;
    }

    private static String readLine(InputStream in) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b = in.read(); b != -1 && b != '\n' && line.size() < 64; b = in.read()) {
        line.write(b);
      }
      return line.toString(StandardCharsets.UTF_8);
    }
  }
}
