package org.lambdaref.localstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on loopback in front of a real server, which injects the faults networks make: a
 * request held back for a while (a slow first connection, a stalled peer) or a connection reset
 * while a request is on its way; or, for HTTP servers, an answer the server could give but rarely
 * does (throttling, a cancelled transaction) sent by the proxy itself instead of forwarding the
 * request. The client and the server talk real TCP through it; nothing of either is mocked. Faults
 * are armed for the next {@code n} requests, where a request is the first chunk a client sends
 * after the proxy last forwarded an answer on that connection (a keep-alive connection carries
 * many).
 */
public final class FaultProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fault-proxy");
            t.setDaemon(true);
            return t;
          });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger delaysArmed = new AtomicInteger();
  private final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
  private final AtomicInteger resetsArmed = new AtomicInteger();
  private final AtomicInteger dropsArmed = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicInteger responsesArmed = new AtomicInteger();
  private final AtomicReference<byte[]> response = new AtomicReference<>(new byte[0]);
  private final AtomicLong responded = new AtomicLong();
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

  /**
   * The next {@code n} requests reach the server, but its answer does not reach the client: the
   * connection is reset when the answer starts, as a network that fails after the server acted.
   */
  public void dropNextResponses(int n) {
    dropsArmed.set(n);
  }

  /** Answers dropped by {@link #dropNextResponses} so far. */
  public long droppedResponses() {
    return dropped.get();
  }

  /** The next {@code n} requests are not forwarded: their connection is reset (TCP RST) instead. */
  public void resetNextRequests(int n) {
    resetsArmed.set(n);
  }

  /**
   * The next {@code n} HTTP requests are not forwarded: the proxy reads each whole (headers and a
   * {@code Content-Length} body) and answers it with {@code httpResponse}, a complete HTTP/1.1
   * response (see {@link #httpResponse}); the connection stays open for the next request.
   */
  public void respondNextRequests(int n, String httpResponse) {
    response.set(httpResponse.getBytes(StandardCharsets.UTF_8));
    responsesArmed.set(n);
  }

  /**
   * An HTTP/1.1 response with {@code Content-Length} of the UTF-8 body and {@code Connection:
   * keep-alive} added to {@code headers}.
   */
  public static String httpResponse(
      int status, String reason, Map<String, String> headers, String body) {
    StringBuilder b =
        new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
    headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
    b.append("Content-Length: ")
        .append(body.getBytes(StandardCharsets.UTF_8).length)
        .append("\r\n");
    b.append("Connection: keep-alive\r\n\r\n").append(body);
    return b.toString();
  }

  /** Requests answered by {@link #respondNextRequests} so far. */
  public long respondedRequests() {
    return responded.get();
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
      AtomicBoolean dropAnswer = new AtomicBoolean();
      threads.execute(() -> pump(client, server, true, answered, dropAnswer));
      threads.execute(() -> pump(server, client, false, answered, dropAnswer));
    }
  }

  private void pump(
      Socket from,
      Socket to,
      boolean fromClient,
      AtomicReference<Boolean> answered,
      AtomicBoolean dropAnswer) {
    byte[] buffer = new byte[64 * 1024];
    try {
      // not try-with-resources: closing a socket's stream closes the socket, and the other
      // direction may still be carrying an answer
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (fromClient && answered.get() && responsesArmed.get() > 0) {
          // answered here, the server never sees it; what follows may be the next request
          byte[] rest = respondHere(in, from.getOutputStream(), Arrays.copyOf(buffer, n));
          if (rest.length == 0) {
            continue;
          }
          System.arraycopy(rest, 0, buffer, 0, rest.length);
          n = rest.length;
        }
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
          if (take(dropsArmed)) {
            dropAnswer.set(true); // forwarded: the server does the work, the client never hears
          }
        } else if (!fromClient) {
          if (dropAnswer.getAndSet(false)) {
            dropped.incrementAndGet();
            reset(to);
            reset(from);
            return;
          }
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

  /**
   * Reads the rest of the HTTP request that starts with {@code first}, answers it with the armed
   * response while responses are armed (several requests may have come in one read), and returns
   * the bytes after the last request answered: the start of a request to forward, or nothing.
   */
  private byte[] respondHere(InputStream in, OutputStream client, byte[] first) throws IOException {
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    pending.write(first);
    byte[] chunk = new byte[64 * 1024];
    while (pending.size() > 0 && responsesArmed.get() > 0) {
      byte[] data = pending.toByteArray();
      int end = requestEnd(data);
      if (end < 0) {
        int n = in.read(chunk);
        if (n < 0) {
          throw new IOException("the client closed its connection in the middle of a request");
        }
        pending.write(chunk, 0, n);
        continue;
      }
      if (!take(responsesArmed)) {
        break;
      }
      requests.incrementAndGet();
      responded.incrementAndGet();
      client.write(response.get());
      client.flush();
      pending.reset();
      pending.write(data, end, data.length - end);
    }
    return pending.toByteArray();
  }

  /** Where the HTTP request at the start of {@code data} ends, or -1 if it is not all there yet. */
  private static int requestEnd(byte[] data) {
    int headersEnd = -1;
    for (int i = 0; i + 3 < data.length; i++) {
      if (data[i] == '\r' && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n') {
        headersEnd = i + 4;
        break;
      }
    }
    if (headersEnd < 0) {
      return -1;
    }
    long length = 0;
    for (String line : new String(data, 0, headersEnd, StandardCharsets.ISO_8859_1).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
        length = Long.parseLong(line.substring(colon + 1).trim());
      }
    }
    return data.length - headersEnd >= length ? (int) (headersEnd + length) : -1;
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
