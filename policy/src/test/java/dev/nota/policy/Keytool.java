package dev.nota.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Makes real self-signed certificates at test time with the JDK's own keytool (no Bouncy Castle in this module). */
final class Keytool {
  private Keytool() {}

  /** Writes {@code <dir>/<alias>.pem}: a new RSA-2048 self-signed certificate with the given extensions. */
  static Path selfSigned(Path dir, String alias, String sigalg, String dname, String... extra)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path keystore = dir.resolve(alias + ".p12");
    Path pem = dir.resolve(alias + ".pem");
    List<String> gen = new ArrayList<>(List.of(keytool(), "-genkeypair", "-keystore", keystore.toString(),
        "-storetype", "PKCS12", "-storepass", "changeit", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048",
        "-sigalg", sigalg, "-dname", dname, "-validity", "30"));
    gen.addAll(List.of(extra));
    run(gen);
    run(List.of(keytool(), "-exportcert", "-rfc", "-keystore", keystore.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit", "-alias", alias, "-file", pem.toString()));
    return pem;
  }

  private static String keytool() {
    return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("keytool failed: " + output);
    }
  }
}
