package dev.nota.cli.interop;

import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.Openssl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Signing keys and certificates made the way a user makes them with the {@code openssl} command line, not by nota's
 * own generator, so that the interop tests judge what people actually feed both tools: a self-signed code-signing
 * leaf ({@code openssl req -x509 -addext}, over openssl's default extensions), or a root, an intermediate and a leaf
 * ({@code openssl x509 -req -extfile}). Every certificate of a signer uses the signer's key kind and the hash that
 * kind implies; the chain leaf's key is written in the traditional form (PKCS#1 for RSA, SEC1 after an
 * {@code EC PARAMETERS} block for EC), the other keys as PKCS#8.
 */
final class OpensslSigners {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String LEAF_EXTENSIONS =
      "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n"
          + "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n";
  private static final String INTERMEDIATE_EXTENSIONS =
      "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n"
          + "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n";

  /** The key kinds of the Notary Project, with what openssl needs to make them and the algorithm they imply. */
  enum Kind {
    RSA_2048("RSA 2048", "rsa-2048", "RSASSA-PSS-SHA-256", "sha256", 2),
    RSA_3072("RSA 3072", "rsa-3072", "RSASSA-PSS-SHA-384", "sha384", 5),
    RSA_4096("RSA 4096", "rsa-4096", "RSASSA-PSS-SHA-512", "sha512", 20),
    EC_256("EC P-256", "ec-256", "ECDSA-SHA-256", "sha256", 0),
    EC_384("EC P-384", "ec-384", "ECDSA-SHA-384", "sha384", 0),
    EC_521("EC P-521", "ec-521", "ECDSA-SHA-512", "sha512", 0);

    private final String label;
    private final String id;
    private final String algorithm;
    private final String digest;
    private final int cost;

    Kind(String label, String id, String algorithm, String digest, int cost) {
      this.label = label;
      this.id = id;
      this.algorithm = algorithm;
      this.digest = digest;
      this.cost = cost;
    }

    /** How the cross-check table names it, e.g. "EC P-521". */
    String label() {
      return label;
    }

    /** The signature algorithm's name in both tools' {@code inspect} output, e.g. "ECDSA-SHA-512". */
    String algorithm() {
      return algorithm;
    }

    /** Rough relative cost of making a key of this kind (RSA primes take long). */
    int cost() {
      return cost;
    }

    boolean isRsa() {
      return id.startsWith("rsa");
    }

    private String bits() {
      return id.substring(id.indexOf('-') + 1);
    }

    private String curve() {
      return switch (this) {
        case EC_256 -> "prime256v1";
        case EC_384 -> "secp384r1";
        case EC_521 -> "secp521r1";
        default -> throw new IllegalStateException(this + " is not an EC kind");
      };
    }

    /** {@code openssl genpkey}: a PKCS#8 {@code PRIVATE KEY}. */
    void pkcs8(Path out) throws Exception {
      if (isRsa()) {
        Openssl.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + bits(), "-out", out.toString());
      } else {
        Openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-" + bits(), "-out",
            out.toString());
      }
    }

    /** {@code openssl genrsa -traditional} or {@code openssl ecparam -genkey}: PKCS#1 or SEC1. */
    void traditional(Path out) throws Exception {
      if (isRsa()) {
        Openssl.run("genrsa", "-traditional", "-out", out.toString(), bits());
      } else {
        Openssl.run("ecparam", "-name", curve(), "-genkey", "-out", out.toString());
      }
    }
  }

  /**
   * One signing key: its name (key name in signingkeys.json and trust store name), its key file, its chain file
   * (leaf first, root included), the root for the trust store, the parsed chain and the leaf's subject.
   */
  record Signer(String name, Path keyFile, Path chainFile, Path rootFile, List<X509Certificate> chain,
      String commonName) {
    /** The policy identity that pins this signer's leaf. */
    String leafIdentity() {
      return "x509.subject: " + distinguishedName(commonName);
    }

    /** An identity that differs from the leaf's only in its common name. */
    String otherIdentity() {
      return "x509.subject: " + distinguishedName(commonName + " impostor");
    }
  }

  /** A key file and a chain file that neither tool may sign with, and why. */
  record Unusable(String name, String why, Path keyFile, Path chainFile) {}

  /**
   * Key material users make with openssl that the Notary Project certificate rules refuse (both tools must refuse to
   * sign with it), under {@code dir/unusable}; the chain variants reuse {@code chain}, a {@link #chain} signer.
   */
  static List<Unusable> unusable(Path dir, Signer chain) throws Exception {
    Path d = Files.createDirectories(dir.resolve("unusable"));
    Path c = chain.chainFile().getParent();
    Path leafKey = chain.keyFile();
    Path leaf = c.resolve("leaf.crt");
    Path intermediate = c.resolve("intermediate.crt");
    Path root = c.resolve("root.crt");
    Path ecKey = d.resolve("ec.key");
    Kind.EC_256.pkcs8(ecKey);

    Path defaults = selfSignedWith(d, ecKey, "defaults", "/C=US/ST=WA/O=nota interop/CN=defaults");
    Path notCritical = selfSignedWith(d, ecKey, "not-critical", "/C=US/ST=WA/O=nota interop/CN=not critical",
        "-addext", "basicConstraints=CA:FALSE", "-addext", "keyUsage=digitalSignature",
        "-addext", "extendedKeyUsage=codeSigning");
    Path csr = d.resolve("plain.csr");
    Openssl.run("req", "-new", "-key", leafKey.toString(), "-subj", "/C=US/ST=WA/O=nota interop/CN=plain", "-out",
        csr.toString());
    Path plain = d.resolve("plain.crt");
    Openssl.run("x509", "-req", "-in", csr.toString(), "-CA", intermediate.toString(), "-CAkey",
        c.resolve("intermediate.key").toString(), "-set_serial", "77", "-days", "2", "-out", plain.toString());
    Path pssKey = d.resolve("pss.key");
    Openssl.run("genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pssKey.toString());
    Path explicitKey = d.resolve("explicit.key");
    Openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-pkeyopt",
        "ec_param_enc:explicit", "-out", explicitKey.toString());
    Path rsa1024 = d.resolve("rsa1024.key");
    Openssl.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsa1024.toString());
    Path ed25519 = d.resolve("ed25519.key");
    Openssl.run("genpkey", "-algorithm", "ED25519", "-out", ed25519.toString());

    return List.of(
        new Unusable("defaults", "openssl req -x509 with openssl's default extensions (a CA: basicConstraints "
            + "CA:TRUE)", ecKey, defaults),
        new Unusable("not-critical", "a leaf whose keyUsage is not critical", ecKey, notCritical),
        new Unusable("plain", "openssl x509 -req without -extfile (a v1 certificate, no keyUsage)", leafKey,
            PkiCertificates.concat(d.resolve("plain-chain.pem"), plain, intermediate, root)),
        new Unusable("no-root", "a chain file without its root", leafKey,
            PkiCertificates.concat(d.resolve("no-root.pem"), leaf, intermediate)),
        new Unusable("root-first", "a chain file ordered root first", leafKey,
            PkiCertificates.concat(d.resolve("root-first.pem"), root, intermediate, leaf)),
        new Unusable("leaf-alone", "a CA-issued leaf alone in its chain file", leafKey, leaf),
        new Unusable("rsa-pss", "an RSASSA-PSS-only key (openssl genpkey -algorithm RSA-PSS)", pssKey,
            selfSignedWith(d, pssKey, "rsa-pss", subject("rsa-pss"), CODE_SIGNING)),
        new Unusable("explicit-ec", "an EC P-256 key with explicit curve parameters", explicitKey,
            selfSignedWith(d, explicitKey, "explicit-ec", subject("explicit-ec"), CODE_SIGNING)),
        new Unusable("rsa-1024", "an RSA 1024 key", rsa1024,
            selfSignedWith(d, rsa1024, "rsa-1024", subject("rsa-1024"), CODE_SIGNING)),
        new Unusable("ed25519", "an Ed25519 key", ed25519,
            selfSignedWith(d, ed25519, "ed25519", subject("ed25519"), CODE_SIGNING)));
  }

  private static final String[] CODE_SIGNING = {"-addext", "basicConstraints=CA:FALSE", "-addext",
      "keyUsage=critical,digitalSignature", "-addext", "extendedKeyUsage=codeSigning"};

  /** {@code openssl req -x509} for {@code key} with {@code extra} arguments (-addext ...). */
  private static Path selfSignedWith(Path d, Path key, String file, String subject, String... extra)
      throws Exception {
    Path cert = d.resolve(file + ".crt");
    List<String> args = new java.util.ArrayList<>(List.of("req", "-x509", "-new", "-key", key.toString(), "-days",
        "2", "-subj", subject, "-out", cert.toString()));
    args.addAll(List.of(extra));
    Openssl.run(args.toArray(String[]::new));
    return cert;
  }

  /**
   * A self-signed leaf of a size the Notary Project does not list but notation accepts: an RSA key whose modulus has
   * 2047 bits, which notation-core-go counts as RSA 2048 (it sizes keys in whole bytes).
   */
  static Signer rsa2047(Path dir) throws Exception {
    String name = "rsa-2047-self";
    Path d = Files.createDirectories(dir.resolve(name));
    Path key = d.resolve("leaf.key");
    Openssl.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2047", "-out", key.toString());
    String cn = name + " leaf";
    Path cert = selfSignedWith(d, key, "leaf", subject(cn), CODE_SIGNING);
    return new Signer(name, key, cert, cert, Certificates.readPem(cert), cn);
  }

  private OpensslSigners() {}

  /** A self-signed code-signing certificate of {@code kind}: key and certificate under {@code dir/<kind>-self}. */
  static Signer selfSigned(Path dir, Kind kind) throws Exception {
    String name = kind.id + "-self";
    Path d = Files.createDirectories(dir.resolve(name));
    Path key = d.resolve("leaf.key");
    Path cert = d.resolve("leaf.crt");
    String cn = name + " leaf";
    kind.pkcs8(key);
    Openssl.run("req", "-x509", "-new", "-key", key.toString(), "-" + kind.digest, "-days", "2",
        "-subj", subject(cn), "-addext", "basicConstraints=CA:FALSE",
        "-addext", "keyUsage=critical,digitalSignature", "-addext", "extendedKeyUsage=codeSigning",
        "-out", cert.toString());
    return new Signer(name, key, cert, cert, Certificates.readPem(cert), cn);
  }

  /** A root, an intermediate and a leaf, all of {@code kind}, under {@code dir/<kind>-chain}. */
  static Signer chain(Path dir, Kind kind) throws Exception {
    String name = kind.id + "-chain";
    Path d = Files.createDirectories(dir.resolve(name));
    Path rootKey = d.resolve("root.key");
    Path root = d.resolve("root.crt");
    kind.pkcs8(rootKey);
    Openssl.run("req", "-x509", "-new", "-key", rootKey.toString(), "-" + kind.digest, "-days", "3",
        "-subj", subject(name + " root"), "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", root.toString());
    Path intermediate = issue(d, kind, "intermediate", name + " intermediate", INTERMEDIATE_EXTENSIONS, root,
        rootKey, false);
    String cn = name + " leaf";
    Path leaf = issue(d, kind, "leaf", cn, LEAF_EXTENSIONS, intermediate, d.resolve("intermediate.key"), true);
    Path chain = PkiCertificates.concat(d.resolve("chain.pem"), leaf, intermediate, root);
    return new Signer(name, d.resolve("leaf.key"), chain, root, Certificates.readPem(chain), cn);
  }

  /** Makes {@code file.key}, a request for it and a certificate {@code file.crt} that {@code ca} issues. */
  private static Path issue(Path d, Kind kind, String file, String cn, String extensions, Path ca, Path caKey,
      boolean traditionalKey) throws Exception {
    Path key = d.resolve(file + ".key");
    Path csr = d.resolve(file + ".csr");
    Path ext = Files.writeString(d.resolve(file + ".ext"), extensions);
    Path cert = d.resolve(file + ".crt");
    if (traditionalKey) {
      kind.traditional(key);
    } else {
      kind.pkcs8(key);
    }
    Openssl.run("req", "-new", "-key", key.toString(), "-" + kind.digest, "-subj", subject(cn), "-out",
        csr.toString());
    Openssl.run("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
        "-set_serial", "0x" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE), "-days", "2",
        "-" + kind.digest, "-extfile", ext.toString(), "-out", cert.toString());
    return cert;
  }

  /** openssl's {@code -subj} form of a subject in the test organisation. */
  private static String subject(String cn) {
    return "/C=US/ST=WA/L=Seattle/O=nota interop/CN=" + cn;
  }

  /** The same subject as an RFC 4514 name, as trust policies write it. */
  private static String distinguishedName(String cn) {
    return "CN=" + cn + ",O=nota interop,L=Seattle,ST=WA,C=US";
  }
}
