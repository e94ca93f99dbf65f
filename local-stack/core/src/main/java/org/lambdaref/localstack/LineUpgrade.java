package org.lambdaref.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The build of the previous Spark line that the upgrade tests start a layer from: {@code
 * tools/line-upgrade-check} builds the tag {@code spark-3.5-last} in a worktree, writes each
 * layer's classpath to {@code <worktree>/<module>/target/upgrade.classpath} and passes the worktree
 * as {@value #FROM_TREE}. The tests are enabled by that property only, so the suite skips them.
 */
public final class LineUpgrade {

  /** The system property naming the previous line's worktree. */
  public static final String FROM_TREE = "lambda.upgrade.from-tree";

  private LineUpgrade() {}

  /**
   * The classpath of {@code module} (a folder of the worktree, such as {@code speed-layer}) of that
   * build.
   */
  public static String classpathOf(String module) {
    String tree = System.getProperty(FROM_TREE);
    if (tree == null || tree.isBlank()) {
      throw new IllegalStateException(
          FROM_TREE
              + " is not set: run tools/line-upgrade-check, which builds the"
              + " previous line and sets it");
    }
    Path file = Path.of(tree, module, "target", "upgrade.classpath");
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "no classpath of "
              + module
              + " at "
              + file
              + ": delete that worktree's target folders and run tools/line-upgrade-check again",
          e);
    }
  }
}
