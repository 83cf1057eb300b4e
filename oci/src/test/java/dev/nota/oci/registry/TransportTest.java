package dev.nota.oci.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class TransportTest {
  @Test
  void backoffGrowsAndIsCapped() {
    for (int i = 0; i < 20; i++) {
      assertTrue(Transport.backoff(0, null).toMillis() <= 50);
      assertTrue(Transport.backoff(3, null).toMillis() >= 200);
      assertTrue(Transport.backoff(30, null).toMillis() <= 2000);
    }
  }

  @Test
  void backoffHonoursRetryAfterSecondsUpToACap() {
    assertEquals(Duration.ofSeconds(2), Transport.backoff(0, "2"));
    assertEquals(Duration.ofSeconds(5), Transport.backoff(0, "3600"));
    assertTrue(Transport.backoff(0, "Wed, 21 Oct 2015 07:28:00 GMT").toMillis() <= 50);
  }

  @Test
  void redactsSignatureLikeQueryValues() {
    String s = Transport.redact(HttpUrl.get("https://s3.example/b?X-Amz-Signature=abc&X-Amz-Credential=k&part=1"));
    assertTrue(!s.contains("abc") && s.contains("part=1"), s);
  }

  @Test
  void retriesOnlyTransientStatuses() {
    assertTrue(Transport.isRetryableStatus(429) && Transport.isRetryableStatus(503));
    assertTrue(!Transport.isRetryableStatus(500) && !Transport.isRetryableStatus(404));
  }
}
