package dev.nota.core.timestamp;

import static dev.nota.core.timestamp.Rfc3161TimestampVerifierTest.GOOD;
import static dev.nota.core.timestamp.Rfc3161TimestampVerifierTest.NOW;
import static dev.nota.core.timestamp.Rfc3161TimestampVerifierTest.assertMessageContains;
import static dev.nota.core.timestamp.Rfc3161TimestampVerifierTest.certificate;
import static dev.nota.core.timestamp.Rfc3161TimestampVerifierTest.fails;
import static dev.nota.core.timestamp.Rfc3161TimestampVerifierTest.withHash;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.nota.core.NotaException;
import dev.nota.core.timestamp.TestTsa.Eku;
import dev.nota.core.timestamp.TestTsa.Issued;
import dev.nota.core.timestamp.TimestampVerifier.TimeRange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code openssl ts} acting as the TSA: a root CA and a TSA certificate made with openssl, a token issued by it. */
class OpensslTsaTest {
  static final byte[] SIGNATURE = "a primitive signature, as raw bytes".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  @BeforeEach
  void requireOpenssl() {
    boolean present;
    try {
      present = new ProcessBuilder("openssl", "version").start().waitFor(30, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      present = false;
    }
    Assumptions.assumeTrue(present, "openssl is not on PATH");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sha256", "sha1"}) // signing-certificate-v2, and the v1 attribute openssl writes for sha1
  void opensslTokenVerifiesAtTheGenTimeOpensslPrints(String essCertIdAlg) throws Exception {
    makeCa("critical,timeStamping");
    Path token = issue(essCertIdAlg);
    assertNotNull(token, "openssl refused to issue the token");

    TimeRange range = new Rfc3161TimestampVerifier(GOOD, NOW)
        .verify(Files.readAllBytes(token), SIGNATURE, withHash("SHA-256"), roots());

    Instant genTime = printedGenTime(token);
    Duration accuracy = Duration.ofSeconds(1).plusMillis(500).plusNanos(100_000); // from ts.cnf
    assertEquals(new TimeRange(genTime.minus(accuracy), genTime.plus(accuracy)), range);
  }

  @Test
  void opensslTokenIsNotOverAnotherSignature() throws Exception {
    makeCa("critical,timeStamping");
    Path token = issue("sha256");
    byte[] other = SIGNATURE.clone();
    other[0] ^= 0x20;

    NotaException e = fails(() -> new Rfc3161TimestampVerifier(GOOD, NOW)
        .verify(Files.readAllBytes(token), other, withHash("SHA-256"), roots()));

    assertMessageContains("timestamp token is not over this signature", e);
  }

  @Test
  void tsaWithoutCriticalTimestampingUsageIsRejected() throws Exception {
    makeCa("timeStamping");
    Path token = issue("sha256");
    byte[] bytes;
    List<X509Certificate> roots;
    if (token != null) {
      bytes = Files.readAllBytes(token);
      roots = roots();
    } else {
      // openssl refuses to sign with such a certificate; make the same token with Bouncy Castle.
      Instant start = Instant.now().minus(Duration.ofDays(1));
      Issued root = TestTsa.root("openssl-like root", start, start.plus(Duration.ofDays(30)));
      Issued tsa = TestTsa.tsa(root, "openssl-like TSA", start, start.plus(Duration.ofDays(30)),
          Eku.NON_CRITICAL_TIMESTAMPING, null);
      bytes = TestTsa.token(tsa, SIGNATURE).encode();
      roots = List.of(root.cert());
    }

    NotaException e = fails(() -> new Rfc3161TimestampVerifier(GOOD, NOW)
        .verify(bytes, SIGNATURE, withHash("SHA-256"), roots));

    assertMessageContains("invalid TSA certificate chain: timestamping certificate", e);
    assertMessageContains("critical", e);
  }

  private List<X509Certificate> roots() throws Exception {
    return List.of(certificate(dir.resolve("root.crt")));
  }

  private void makeCa(String tsaEku) throws Exception {
    Files.writeString(dir.resolve("ca.cnf"), String.join("\n",
        "[ req ]",
        "distinguished_name = dn",
        "prompt = no",
        "[ dn ]",
        "CN = unused",
        "[ v3_ca ]",
        "basicConstraints = critical,CA:true",
        "keyUsage = critical,keyCertSign,cRLSign",
        "subjectKeyIdentifier = hash",
        "[ v3_tsa ]",
        "basicConstraints = CA:false",
        "keyUsage = critical,digitalSignature",
        "extendedKeyUsage = " + tsaEku,
        "subjectKeyIdentifier = hash",
        "authorityKeyIdentifier = keyid",
        ""));
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "root.key", "-out", "root.crt", "-days", "30", "-subj", "/CN=nota openssl TSA root/O=nota tests",
        "-config", "ca.cnf", "-extensions", "v3_ca");
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=nota openssl TSA/O=nota tests", "-config", "ca.cnf");
    openssl("x509", "-req", "-in", "tsa.csr", "-CA", "root.crt", "-CAkey", "root.key", "-set_serial", "2",
        "-days", "30", "-extfile", "ca.cnf", "-extensions", "v3_tsa", "-out", "tsa.crt");
  }

  /** Issues a token over {@link #SIGNATURE}; null when openssl refuses to. */
  private Path issue(String essCertIdAlg) throws Exception {
    Files.write(dir.resolve("signature.bin"), SIGNATURE);
    Files.writeString(dir.resolve("tsaserial"), "01\n");
    Files.writeString(dir.resolve("ts.cnf"), String.join("\n",
        "[ tsa ]",
        "default_tsa = nota_tsa",
        "[ nota_tsa ]",
        "serial = " + dir.resolve("tsaserial"),
        "signer_digest = sha256",
        "default_policy = 1.2.3.4.1",
        "digests = sha256, sha384, sha512",
        "accuracy = secs:1, millisecs:500, microsecs:100",
        "ordering = no",
        "tsa_name = yes",
        "ess_cert_id_chain = no",
        "ess_cert_id_alg = " + essCertIdAlg,
        ""));
    openssl("ts", "-query", "-data", "signature.bin", "-sha256", "-cert", "-out", "req.tsq");
    Result reply = run("ts", "-reply", "-queryfile", "req.tsq", "-signer", "tsa.crt", "-inkey", "tsa.key",
        "-config", "ts.cnf", "-out", "token.der", "-token_out");
    if (reply.exit() != 0) {
      return null;
    }
    return dir.resolve("token.der");
  }

  private Instant printedGenTime(Path token) throws Exception {
    Result text = openssl("ts", "-reply", "-in", token.getFileName().toString(), "-token_in", "-text");
    for (String line : text.output().split("\n")) {
      if (line.startsWith("Time stamp: ")) {
        String value = line.substring("Time stamp: ".length()).trim().replaceAll(" +", " ");
        return DateTimeFormatter.ofPattern("MMM d HH:mm:ss[.SSS] yyyy 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC)
            .parse(value, Instant::from);
      }
    }
    throw new AssertionError("openssl printed no time stamp: " + text.output());
  }

  record Result(int exit, String output) {}

  private Result openssl(String... args) throws Exception {
    Result r = run(args);
    assertEquals(0, r.exit(), () -> "openssl " + String.join(" ", args) + ": " + r.output());
    return r;
  }

  private Result run(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("openssl " + String.join(" ", args) + " did not finish");
    }
    return new Result(p.exitValue(), output);
  }
}
