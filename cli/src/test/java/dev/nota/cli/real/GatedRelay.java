package dev.nota.cli.real;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on 127.0.0.1 in front of a real registry that, when armed, holds every request whose bytes contain a
 * given request line prefix until {@code parties} such requests have arrived (or a timeout passes). Two signers
 * started at once in separate JVMs otherwise reach the referrers tag index some 100 ms apart and never collide;
 * held at the gate, both read the index before either writes it, which is exactly the lost update a registry
 * without conditional PUT allows.
 */
final class GatedRelay implements AutoCloseable {
  private static final long HOLD_SECONDS = 10;

  private final ServerSocket server;
  private final int upstreamPort;
  private final byte[] pattern;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "gated-relay");
    t.setDaemon(true);
    return t;
  });
  private volatile CountDownLatch gate;

  /** Relays to {@code 127.0.0.1:upstreamPort}, gating requests containing {@code requestPrefix}. */
  GatedRelay(int upstreamPort, String requestPrefix) throws IOException {
    this.upstreamPort = upstreamPort;
    this.pattern = requestPrefix.getBytes(StandardCharsets.US_ASCII);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  /** {@code 127.0.0.1:<port>} of the relay. */
  String host() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Holds the next gated requests until {@code parties} of them are waiting. */
  void arm(int parties) {
    gate = new CountDownLatch(parties);
  }

  /** Whether the armed gate opened because all parties arrived (not by timeout). */
  boolean tripped() {
    CountDownLatch g = gate;
    return g != null && g.getCount() == 0;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        threads.execute(() -> pump(upstream, client, false));
        threads.execute(() -> pump(client, upstream, true));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Socket from, Socket to, boolean requests) {
    byte[] buffer = new byte[64 * 1024];
    try (from; to) {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        CountDownLatch g = gate;
        if (requests && g != null && g.getCount() > 0 && contains(buffer, n)) {
          g.countDown();
          g.await(HOLD_SECONDS, TimeUnit.SECONDS);
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // the other side closed; closing both ends (try-with-resources) ends the other pump too
    }
  }

  private boolean contains(byte[] buffer, int length) {
    outer:
    for (int i = 0; i + pattern.length <= length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (buffer[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
