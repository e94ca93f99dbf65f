package org.lambdaref.localstack.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs a server's own {@code main} in this JVM and exits when the parent goes away.
 *
 * <p>Usage: {@code ParentWatchingMain <watch-stdin|detached> <main-class> [args...]}.
 *
 * <p>In {@code watch-stdin} mode the parent holds our stdin open; when the parent exits, even by
 * SIGKILL, the pipe closes, we read EOF and call {@link System#exit}, which runs the server's
 * shutdown hooks. That is why a killed test JVM never leaves a broker behind. {@code detached} is
 * for {@code lambda local up}, where the servers must outlive the command that started them and
 * {@code lambda local down} stops them by pid.
 */
public final class ParentWatchingMain {

  private ParentWatchingMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || !(args[0].equals("watch-stdin") || args[0].equals("detached"))) {
      System.err.println(
          "usage: ParentWatchingMain <watch-stdin|detached> <main-class> [args...]; got "
              + Arrays.toString(args));
      System.exit(2);
    }
    if (args[0].equals("watch-stdin")) {
      Thread watcher = new Thread(ParentWatchingMain::exitWhenStdinCloses, "parent-watcher");
      watcher.setDaemon(true);
      watcher.start();
    }
    Class<?> mainClass = Class.forName(args[1]);
    Method main = mainClass.getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
  }

  private static void exitWhenStdinCloses() {
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // the parent writes nothing; any bytes are ignored
      }
    } catch (IOException e) {
      // a broken pipe means the parent is gone as surely as EOF does
    }
    System.exit(0);
  }
}
