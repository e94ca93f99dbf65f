package org.lambdaref.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * What both engines must agree on after a batch run, as sorted tab-separated lines: the t3 tables
 * and the rejection reasons. Each engine writes its own after its timed work; the harness compares
 * them byte for byte, so "the same t3 numbers" is checked, not assumed.
 */
public final class BatchCheck {

  /** The checked outputs, one file each. */
  public static final List<String> PARTS =
      List.of(
          "place_action_1h",
          "place_impression_1d",
          "place_impression_30d",
          "seller_place_1d",
          "rejection_reasons",
          "accounting");

  private BatchCheck() {}

  /** Writes one part: the lines are sorted here, so the engines need not agree on order. */
  public static void write(Path dir, String part, List<String> lines) {
    if (!PARTS.contains(part)) {
      throw new IllegalArgumentException("unknown check part " + part + "; one of " + PARTS);
    }
    List<String> sorted = new ArrayList<>(lines);
    Collections.sort(sorted);
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(part + ".tsv"), sorted, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the check file " + dir.resolve(part + ".tsv"), e);
    }
  }

  /** The accounting line both engines write: owned, accepted, duplicates, late, rejected. */
  public static String accounting(Map<String, Long> counts) {
    return "owned="
        + counts.get("owned")
        + "\taccepted="
        + counts.get("accepted")
        + "\tduplicates="
        + counts.get("duplicates")
        + "\tlate="
        + counts.get("late")
        + "\trejected="
        + counts.get("rejected");
  }

  /**
   * The parts that differ between two check directories, each with the number of lines only in one
   * side; empty when the engines agree on everything.
   */
  public static List<String> differences(Path a, Path b) {
    List<String> out = new ArrayList<>();
    for (String part : PARTS) {
      List<String> left = read(a.resolve(part + ".tsv"));
      List<String> right = read(b.resolve(part + ".tsv"));
      if (!left.equals(right)) {
        List<String> onlyLeft = new ArrayList<>(left);
        onlyLeft.removeAll(new HashSet<>(right));
        List<String> onlyRight = new ArrayList<>(right);
        onlyRight.removeAll(new HashSet<>(left));
        out.add(
            part
                + ": "
                + onlyLeft.size()
                + " line(s) only in "
                + a
                + " (first: "
                + (onlyLeft.isEmpty() ? "-" : onlyLeft.get(0))
                + "), "
                + onlyRight.size()
                + " only in "
                + b
                + " (first: "
                + (onlyRight.isEmpty() ? "-" : onlyRight.get(0))
                + ")");
      }
    }
    return out;
  }

  private static List<String> read(Path file) {
    try {
      return Files.exists(file)
          ? Files.readAllLines(file, StandardCharsets.UTF_8)
          : List.of("<missing " + file + ">");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the check file " + file, e);
    }
  }
}
