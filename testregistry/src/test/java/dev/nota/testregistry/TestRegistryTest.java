package dev.nota.testregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class TestRegistryTest {
  @Test
  void hostPortAndBaseUriDescribeTheLoopbackListener() throws Exception {
    try (TestRegistry registry = TestRegistry.start()) {
      assertEquals("127.0.0.1:" + registry.port(), registry.host());
      assertEquals("http://127.0.0.1:" + registry.port(), registry.baseUri().toString());
      assertEquals(200, new Http(registry).get("/v2/").statusCode());
    }
  }

  @Test
  void connectionsAreMadeWithoutNaglesDelay() throws Exception {
    try (TestRegistry registry = TestRegistry.start()) {
      // the JDK server reads this switch when it makes its first server; without it every accepted socket keeps
      // Nagle's algorithm, and bodies written after their headers stall behind delayed ACKs
      assertEquals("true", System.getProperty("sun.net.httpserver.nodelay"));
      assertEquals(200, new Http(registry).get("/v2/").statusCode());
    }
  }

  @Test
  void closeReleasesThePort() throws Exception {
    TestRegistry registry = TestRegistry.start();
    int port = registry.port();
    registry.close();
    assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
  }

  @Test
  void bindRejectsAPortOutOfRange() {
    assertThrows(IllegalArgumentException.class, () -> TestRegistry.builder().bind("127.0.0.1", 70000));
  }

  @Test
  void bindToAnExplicitPortListensThere() throws Exception {
    int free;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      free = s.getLocalPort();
    }
    try (TestRegistry registry = TestRegistry.builder().bind("127.0.0.1", free).start()) {
      assertEquals(free, registry.port());
    }
  }
}
