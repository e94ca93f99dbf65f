package org.lambdaref.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Servers never outlive the JVM that started them, even when it dies without cleaning up. */
class ServerLifecycleTest {

  @TempDir Path workDir;

  @Test
  void closingTheStackStopsEveryServerProcessAndItsChildren() throws Exception {
    LocalStack stack =
        LocalStack.start(LocalStackOptions.forTests(workDir, ServerKind.POSTGRES, ServerKind.S3));
    List<ProcessHandle> processes =
        stack.servers().values().stream()
            .flatMap(
                s ->
                    Stream.concat(ProcessHandle.of(s.pid()).stream(), s.daemonizedChild().stream()))
            .toList();
    assertThat(processes).as("two server JVMs and the postmaster they started").hasSize(3);

    stack.close();

    for (ProcessHandle process : processes) {
      process.onExit().get(30, TimeUnit.SECONDS);
      assertThat(process.isAlive()).as("process %s after close", process.pid()).isFalse();
    }
  }

  @Test
  void aServerAndItsChildrenExitByThemselvesWhenTheParentGoesAway() throws Exception {
    // A parent killed with SIGKILL cannot clean up; all the child sees is its stdin closing.
    int port = LocalStack.freePort();
    ServerProcess server =
        ServerProcess.start(
            ServerKind.POSTGRES,
            port,
            List.of(),
            List.of(Integer.toString(port), workDir.resolve("postgres").resolve("data").toString()),
            workDir.resolve("postgres"),
            false);
    server.awaitReady();
    ProcessHandle jvm = ProcessHandle.of(server.pid()).orElseThrow();
    ProcessHandle postmaster = server.daemonizedChild().orElseThrow();
    assertThat(postmaster.isAlive()).isTrue();
    List<ProcessHandle> all = List.of(jvm, postmaster);

    server.closeStdinAsIfTheParentDied();

    for (ProcessHandle process : all) {
      process.onExit().get(60, TimeUnit.SECONDS);
      assertThat(process.isAlive()).as("process %s", process.pid()).isFalse();
    }
  }
}
