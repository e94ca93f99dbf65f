package org.lambdaref.emr;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * The smallest application that shows where it ran: it waits for two executors, runs tasks on them
 * and prints the pids of the JVMs its tasks ran in next to the driver's own.
 */
public final class TinySparkApp {

  private TinySparkApp() {}

  public static void main(String[] args) throws InterruptedException {
    SparkSession spark = SparkSession.builder().appName("tiny").getOrCreate();
    long deadline = System.nanoTime() + 120_000_000_000L;
    // the driver counts itself among the block managers
    while (spark.sparkContext().getExecutorMemoryStatus().size() < 3
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    MapPartitionsFunction<Long, Long> pid =
        (Iterator<Long> rows) -> {
          while (rows.hasNext()) {
            rows.next();
          }
          Thread.sleep(300);
          return List.of(ProcessHandle.current().pid()).iterator();
        };
    List<Long> pids =
        new ArrayList<>(
            new TreeSet<>(
                spark
                    .range(0, 1000, 1, 8)
                    .as(Encoders.LONG())
                    .mapPartitions(pid, Encoders.LONG())
                    .collectAsList()));
    System.out.println("TINY driver=" + ProcessHandle.current().pid() + " tasks=" + pids);
    spark.stop();
  }
}
