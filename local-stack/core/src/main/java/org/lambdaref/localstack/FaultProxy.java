package org.lambdaref.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on loopback in front of a real server, which injects the faults networks make:
 * a request held back for a while (a slow first connection, a stalled peer) or a connection reset
 * while a request is on its way. The client and the server talk real TCP through it; nothing of
 * either is mocked. Faults are armed for the next {@code n} requests, where a request is the first
 * chunk a client sends after the proxy last forwarded an answer on that connection (a keep-alive
 * connection carries many).
 */
public final class FaultProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger delaysArmed = new AtomicInteger();
  private final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
  private final AtomicInteger resetsArmed = new AtomicInteger();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong delayed = new AtomicLong();
  private final AtomicLong resets = new AtomicLong();
  private volatile boolean closed;

  private FaultProxy(ServerSocket listener, InetSocketAddress target) {
    this.listener = listener;
    this.target = target;
  }

  /** Listens on a free loopback port and forwards every connection to {@code host:port}. */
  public static FaultProxy start(String host, int port) {
    try {
      ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      FaultProxy proxy = new FaultProxy(listener, new InetSocketAddress(host, port));
      proxy.threads.execute(proxy::acceptLoop);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the fault proxy on loopback", e);
    }
  }

  /** {@code http://127.0.0.1:<port>}, for an endpoint setting. */
  public String httpEndpoint() {
    return "http://127.0.0.1:" + port();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** The next {@code n} requests wait {@code d} before they reach the server. */
  public void delayNextRequests(int n, Duration d) {
    delay.set(d);
    delaysArmed.set(n);
  }

  /** The next {@code n} requests are not forwarded: their connection is reset (TCP RST) instead. */
  public void resetNextRequests(int n) {
    resetsArmed.set(n);
  }

  public long connections() {
    return connections.get();
  }

  public long requests() {
    return requests.get();
  }

  public long delayedRequests() {
    return delayed.get();
  }

  public long resetRequests() {
    return resets.get();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        continue; // closed, or one failed accept: the next connection is accepted as usual
      }
      connections.incrementAndGet();
      Socket server = new Socket();
      try {
        server.connect(target, 5_000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
      } catch (IOException e) {
        // the server is down: the client sees its connection dropped, as through a real proxy
        reset(client);
        closeQuietly(server);
        continue;
      }
      open.add(client);
      open.add(server);
      // the client's side decides what a request is: after an answer, its next chunk starts one
      AtomicReference<Boolean> answered = new AtomicReference<>(true);
      threads.execute(() -> pump(client, server, true, answered));
      threads.execute(() -> pump(server, client, false, answered));
    }
  }

  private void pump(Socket from, Socket to, boolean fromClient, AtomicReference<Boolean> answered) {
    byte[] buffer = new byte[64 * 1024];
    try {
      // not try-with-resources: closing a socket's stream closes the socket, and the other
      // direction may still be carrying an answer
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (fromClient && answered.getAndSet(false)) {
          requests.incrementAndGet();
          if (take(resetsArmed)) {
            resets.incrementAndGet();
            reset(from);
            reset(to);
            return;
          }
          if (take(delaysArmed)) {
            delayed.incrementAndGet();
            Thread.sleep(delay.get().toMillis());
          }
        } else if (!fromClient) {
          answered.set(true);
        }
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
      if (from.isOutputShutdown() || to.isInputShutdown()) {
        closeQuietly(from);
        closeQuietly(to);
      }
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static boolean take(AtomicInteger armed) {
    return armed.getAndUpdate(v -> v > 0 ? v - 1 : 0) > 0;
  }

  private void reset(Socket s) {
    try {
      s.setSoLinger(true, 0); // close with RST, as a dropped connection looks to the peer
    } catch (SocketException e) {
      // already closed
    }
    closeQuietly(s);
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    List.copyOf(open).forEach(this::closeQuietly);
    threads.shutdownNow();
  }
}
