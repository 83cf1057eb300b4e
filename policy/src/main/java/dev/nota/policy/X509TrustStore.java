package dev.nota.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The file-system trust store notation uses: {@code <root>/x509/<type>/<name>/} holds certificate files, PEM
 * (one or more certificates) or DER (one or more, concatenated), whatever their extension. Like notation, a store
 * is rejected when it is missing, empty, a symlink, or contains a sub-directory, a symlink, a file that is not a
 * certificate, or a certificate that is neither a CA nor self-signed; a {@code tsa} store takes only self-issued,
 * self-signed CA certificates. Files are read in name order on every call (no caching, so edits take effect).
 */
public final class X509TrustStore implements TrustStore {
  /** Larger than any sane certificate file; guards against reading a huge file by mistake. */
  private static final long MAX_FILE_SIZE = 4L * 1024 * 1024;

  private final Path root;

  /** @param truststoreRoot the directory that contains {@code x509/}, usually {@code <config>/truststore} */
  public X509TrustStore(Path truststoreRoot) {
    this.root = Objects.requireNonNull(truststoreRoot, "truststoreRoot");
  }

  /** The directory that contains {@code x509/}. */
  public Path root() {
    return root;
  }

  /** The directory of one named store (which may not exist). */
  public Path storeDirectory(TrustStoreType type, String name) {
    return root.resolve("x509").resolve(type.value()).resolve(name);
  }

  @Override
  public List<X509Certificate> certificates(TrustStoreType type, String name) throws PolicyException {
    Objects.requireNonNull(type, "type");
    if (!TrustStoreRef.isValidName(name) || name.equals(".") || name.equals("..")) {
      throw new PolicyException("trust store name needs to follow [a-zA-Z0-9_.-]+ format and may not be \".\" or"
          + " \"..\", " + GoText.quote(String.valueOf(name)) + " is invalid");
    }
    String store = "trust store " + GoText.quote(name) + " of type " + GoText.quote(type.value());
    Path dir = storeDirectory(type, name);
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new PolicyException("the " + store + " does not exist (" + dir + ")");
    } catch (IOException e) {
      throw new PolicyException("failed to access the " + store + ": " + e.getMessage(), e);
    }
    if (!attributes.isDirectory()) {
      throw new PolicyException("the " + store + " with path " + dir
          + " is not a regular directory (symlinks are not supported)");
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      entries.forEach(files::add);
    } catch (IOException e) {
      throw new PolicyException("failed to access the " + store + ": " + e.getMessage(), e);
    }
    files.sort((a, b) -> Arrays.compareUnsigned(nameBytes(a), nameBytes(b)));
    List<X509Certificate> certificates = new ArrayList<>();
    for (Path file : files) {
      certificates.addAll(readFile(file, type, name));
    }
    if (certificates.isEmpty()) {
      throw new PolicyException("no x509 certificates were found in " + store);
    }
    return List.copyOf(certificates);
  }

  private static List<X509Certificate> readFile(Path file, TrustStoreType type, String name)
      throws PolicyException {
    String fileName = file.getFileName().toString();
    String where = "trusted certificate " + fileName + " in trust store " + name + " of type " + type.value();
    BasicFileAttributes attributes;
    byte[] data;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()) {
        throw new PolicyException(where + " is not a regular file (directories or symlinks are not supported)");
      }
      if (attributes.size() > MAX_FILE_SIZE) {
        throw new PolicyException("failed to read the " + where + ": the file is larger than 4 MiB");
      }
      data = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new PolicyException("failed to read the " + where + ": " + e.getMessage(), e);
    }
    List<X509Certificate> certs;
    try {
      certs = CertificateFiles.parse(data);
    } catch (CertificateException e) {
      throw new PolicyException("failed to read the " + where + ": " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new PolicyException("failed to validate the " + where + ": the file contains no certificate");
    }
    for (X509Certificate cert : certs) {
      if (!isCa(cert) && signatureProblem(cert, cert.getPublicKey()) != null) {
        throw new PolicyException("failed to validate the " + where + ": certificate with subject "
            + GoText.quote(subject(cert)) + " is not a CA certificate or self-signed signing certificate");
      }
    }
    if (type == TrustStoreType.TSA) {
      for (X509Certificate cert : certs) {
        String problem = rootCaProblem(cert);
        if (problem != null) {
          throw new PolicyException(where + " is invalid: certificate with subject " + GoText.quote(subject(cert))
              + " is not a root CA certificate: " + problem);
        }
      }
    }
    return certs;
  }

  private static byte[] nameBytes(Path p) {
    return p.getFileName().toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Go's {@code IsCA}: a basicConstraints extension with cA set. */
  private static boolean isCa(X509Certificate cert) {
    return cert.getBasicConstraints() != -1;
  }

  /** Why {@code cert} is not a self-issued, self-signed CA (Go's CheckSignatureFrom(self) plus raw name check). */
  private static String rootCaProblem(X509Certificate cert) {
    boolean constraintsPresent = cert.getExtensionValue("2.5.29.19") != null;
    if ((cert.getVersion() == 3 && !constraintsPresent) || (constraintsPresent && !isCa(cert))) {
      return "x509: invalid signature: parent certificate cannot sign this kind of certificate";
    }
    boolean[] usage = cert.getKeyUsage();
    if (usage != null && anySet(usage) && (usage.length <= 5 || !usage[5])) {
      return "x509: invalid signature: parent certificate cannot sign this kind of certificate";
    }
    String signature = signatureProblem(cert, cert.getPublicKey());
    if (signature != null) {
      return signature;
    }
    if (!Arrays.equals(cert.getIssuerX500Principal().getEncoded(), cert.getSubjectX500Principal().getEncoded())) {
      return "issuer (" + issuer(cert) + ") and subject (" + subject(cert) + ") are not the same";
    }
    return null;
  }

  /**
   * Why the signature of {@code cert} does not verify with {@code key}, or null when it does. Like Go, signatures
   * using MD2, MD5 or SHA-1 and DSA keys are refused.
   */
  private static String signatureProblem(X509Certificate cert, PublicKey key) {
    String algorithm = cert.getSigAlgName().toUpperCase(Locale.ROOT);
    if (algorithm.contains("SHA1") || algorithm.contains("MD5") || algorithm.contains("MD2")) {
      return "x509: cannot verify signature: insecure algorithm " + cert.getSigAlgName();
    }
    if (key.getAlgorithm().equals("DSA")) {
      return "x509: cannot verify signature: algorithm unimplemented";
    }
    try {
      cert.verify(key);
      return null;
    } catch (GeneralSecurityException | RuntimeException e) {
      return "x509: signature does not verify with the certificate's own key";
    }
  }

  private static boolean anySet(boolean[] bits) {
    for (boolean b : bits) {
      if (b) {
        return true;
      }
    }
    return false;
  }

  private static String subject(X509Certificate cert) {
    try {
      return DistinguishedNames.goSubjectString(cert.getSubjectX500Principal());
    } catch (PolicyException e) {
      return cert.getSubjectX500Principal().getName();
    }
  }

  private static String issuer(X509Certificate cert) {
    try {
      return DistinguishedNames.goSubjectString(cert.getIssuerX500Principal());
    } catch (PolicyException e) {
      return cert.getIssuerX500Principal().getName();
    }
  }
}
