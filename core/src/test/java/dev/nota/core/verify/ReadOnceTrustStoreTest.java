package dev.nota.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nota.core.x509.Certificates;
import dev.nota.core.x509.TestCertificates;
import dev.nota.policy.PolicyException;
import dev.nota.policy.TrustStore;
import dev.nota.policy.TrustStoreType;
import dev.nota.policy.X509TrustStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One verification reads each trust store once, and a broken store fails the same way each time. */
class ReadOnceTrustStoreTest {
  @TempDir Path root;

  @Test
  void readsEachStoreOnceAndRepeatsItsFailure() throws Exception {
    TestCertificates.Generated g =
        TestCertificates.generate("a", TestCertificates.KeySpec.EC_256, Duration.ofDays(1), Clock.systemUTC());
    Path dir = Files.createDirectories(root.resolve("x509/ca/a"));
    Files.write(dir.resolve("a.pem"), Certificates.toPem(List.of(g.root())));
    X509TrustStore files = new X509TrustStore(root);
    AtomicInteger reads = new AtomicInteger();
    TrustStore counting = (type, name) -> {
      reads.incrementAndGet();
      return files.certificates(type, name);
    };
    ReadOnceTrustStore once = new ReadOnceTrustStore(counting);

    List<?> first = once.certificates(TrustStoreType.CA, "a");
    assertSame(first, once.certificates(TrustStoreType.CA, "a"));
    assertEquals(List.of(g.root()), first);
    PolicyException missing = assertThrows(PolicyException.class, () -> once.certificates(TrustStoreType.CA, "b"));
    assertSame(missing, assertThrows(PolicyException.class, () -> once.certificates(TrustStoreType.CA, "b")));
    assertEquals(2, reads.get());
  }
}
