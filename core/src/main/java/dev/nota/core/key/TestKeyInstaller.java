package dev.nota.core.key;

import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Puts a generated test key where notation's {@code cert generate-test} puts it, so that nota and notation can
 * both sign with it: the key in {@code localkeys/<name>.key} (PKCS#8 PEM, owner-only), the chain in
 * {@code localkeys/<name>.crt} (leaf, then root), the root in the trust store
 * {@code truststore/x509/ca/<name>/<name>.crt}, and the key registered in {@code signingkeys.json}.
 */
public final class TestKeyInstaller {
  /** Names become file and directory names, so they are kept to a safe alphabet. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

  private TestKeyInstaller() {}

  /**
   * Installs {@code generated} into {@code configDir} under {@code name}. Nothing existing is overwritten: when a
   * file or the key name is already there, nothing is written at all; when a write fails half-way, the files
   * written so far are removed again.
   *
   * @return the registered key entry (absolute paths)
   * @throws KeyException for an unusable name, an existing file or key name, or a write failure
   */
  public static KeyEntry install(Path configDir, String name, TestCertificates.Generated generated,
      boolean makeDefault) throws KeyException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new KeyException("invalid key name \"" + name + "\": use letters, digits, '.', '_' or '-', "
          + "not starting with '.' or '-'");
    }
    Path root = configDir.toAbsolutePath();
    Path keys = root.resolve("localkeys");
    Path keyFile = keys.resolve(name + ".key");
    Path certFile = keys.resolve(name + ".crt");
    Path storeFile = root.resolve("truststore").resolve("x509").resolve("ca").resolve(name).resolve(name + ".crt");
    for (Path p : List.of(keyFile, certFile, storeFile)) {
      if (Files.exists(p)) {
        throw new KeyException("refusing to overwrite " + p + "; remove it first or choose another name");
      }
    }
    KeyEntry entry = KeyEntry.local(name, keyFile, certFile);
    SigningKeys next = SigningKeys.load(root).add(entry, makeDefault);
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(keys);
      Files.createDirectories(storeFile.getParent());
      write(keyFile, pkcs8Pem(generated), true, written);
      write(certFile, Certificates.toPem(generated.chain()), false, written);
      write(storeFile, Certificates.toPem(List.of(generated.root())), false, written);
      next.save(root);
    } catch (IOException | KeyException e) {
      for (Path p : written) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort; the original failure is the one to report
        }
      }
      if (e instanceof KeyException ke) {
        throw ke;
      }
      throw new KeyException("cannot write the test key into " + root + ": " + e.getMessage(), e);
    }
    return entry;
  }

  private static void write(Path file, byte[] content, boolean secret, List<Path> written) throws IOException {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    FileAttribute<?>[] attrs = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"))}
        : new FileAttribute<?>[0];
    Files.createFile(file, attrs); // fails if it exists: never overwrite
    written.add(file);
    Files.write(file, content);
  }

  private static byte[] pkcs8Pem(TestCertificates.Generated generated) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(generated.key().getEncoded());
    return ("-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }
}
