package dev.nota.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A SoftHSM2 token of its own in a test directory: its configuration file and token directory live there, and
 * {@code SOFTHSM2_CONF} (see {@link #env}) points the module at it. Keys and certificates are imported with
 * Debian's {@code softhsm2-util} and OpenSC's {@code pkcs11-tool}, as a user would.
 */
public final class SoftHsmToken {
  /** The SO PIN every test token gets. */
  private static final String SO_PIN = "87654321";
  private final Path dir;
  private final String label;
  private final String pin;

  private SoftHsmToken(Path dir, String label, String pin) {
    this.dir = dir;
    this.label = label;
    this.pin = pin;
  }

  /** Debian's SoftHSM2 module; skips the test (fails it on CI) when SoftHSM2 or OpenSC is not installed. */
  public static Path module() {
    for (String p : List.of("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so")) {
      if (Files.isRegularFile(Path.of(p)) && Files.isExecutable(Path.of("/usr/bin/softhsm2-util"))
          && Files.isExecutable(Path.of("/usr/bin/pkcs11-tool"))) {
        return Path.of(p);
      }
    }
    String why = "SoftHSM2 and OpenSC are not installed (apt-get install softhsm2 opensc)";
    if ("true".equals(System.getenv("CI"))) {
      fail(why);
    }
    Assumptions.abort(why);
    return null;
  }

  /** Makes a token labelled {@code label} with user PIN {@code pin} in {@code dir}. */
  public static SoftHsmToken create(Path dir, String label, String pin) throws Exception {
    module();
    Path tokens = Files.createDirectories(dir.resolve("tokens"));
    Files.writeString(dir.resolve("softhsm2.conf"), "directories.tokendir = " + tokens + "\n"
        + "objectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
    SoftHsmToken t = new SoftHsmToken(dir, label, pin);
    t.tool("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", pin);
    return t;
  }

  /** Adds another token to the same module. */
  public void addToken(String otherLabel, String otherPin) throws Exception {
    tool("softhsm2-util", "--init-token", "--free", "--label", otherLabel, "--so-pin", SO_PIN, "--pin", otherPin);
  }

  /** The environment a process needs to see this token. */
  public Map<String, String> env() {
    return Map.of("SOFTHSM2_CONF", dir.resolve("softhsm2.conf").toString());
  }

  public String label() {
    return label;
  }

  /** Imports {@code key} as a private key object labelled {@code keyLabel} with CKA_ID {@code id}. */
  public void importKey(String keyLabel, int id, PrivateKey key) throws Exception {
    Path pem = dir.resolve(keyLabel + "-" + id + ".p8");
    Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
    try {
      tool("softhsm2-util", "--import", pem.toString(), "--token", label, "--label", keyLabel, "--id", hex(id),
          "--pin", pin);
    } finally {
      Files.delete(pem);
    }
  }

  /** Writes {@code cert} onto the token as a certificate object labelled {@code certLabel} with CKA_ID {@code id}. */
  public void importCertificate(String certLabel, int id, X509Certificate cert) throws Exception {
    Path der = dir.resolve(certLabel + "-" + id + ".der");
    try {
      Files.write(der, cert.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
    try {
      tool("pkcs11-tool", "--module", module().toString(), "--token-label", label, "--login", "--pin", pin,
          "--write-object", der.toString(), "--type", "cert", "--label", certLabel, "--id", hex(id));
    } finally {
      Files.delete(der);
    }
  }

  private static String hex(int id) {
    return HexFormat.of().toHexDigits((byte) id);
  }

  private void tool(String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(command));
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
    b.environment().putAll(env());
    Path out = Files.createTempFile(dir, "tool", ".out");
    b.redirectOutput(out.toFile());
    Process p = b.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", cmd) + " timed out");
    }
    String text = Files.readString(out);
    Files.delete(out);
    if (p.exitValue() != 0) {
      fail(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + text);
    }
  }
}
