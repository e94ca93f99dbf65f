package org.lambdaref.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lambdaref.config.ConfigLoader;
import org.lambdaref.config.HadoopSettings;
import org.lambdaref.config.PlatformConfig;
import org.lambdaref.model.Action;
import org.lambdaref.model.PeriodUnit;
import org.lambdaref.serving.BatchTables.Hour;

/** The batch view read with Delta Kernel from tables the batch layer's writer produced. */
class BatchViewLoaderTest {

  private static final LocalDate D1 = LocalDate.of(2026, 11, 18);
  private static final LocalDate D2 = D1.plusDays(1);
  private static final LocalDate D3 = D1.plusDays(2);

  @TempDir static Path root;
  private static PlatformConfig config;
  private static BatchTables tables;
  private static BatchViewLoader loader;

  @BeforeAll
  static void setUp() {
    config =
        ConfigLoader.load(
            "local",
            Map.of(
                "platform.storage.root",
                root.resolve("lake").toString(),
                "platform.work-dir",
                root.resolve("work").toString(),
                "platform.timezone",
                "Asia/Seoul"),
            Map.of(),
            root);
    tables = new BatchTables(config);
    loader =
        new BatchViewLoader(
            new DeltaTableReader(HadoopSettings.of(config)),
            config.storage(),
            ZoneId.of("Asia/Seoul"),
            PeriodUnit.DAY,
            Clock.systemUTC());
  }

  @Test
  void readsTheLiveRowsAndTheWatermarkAndRereadsOnlyRewrittenDays() {
    BatchView empty = loader.load(BatchView.empty(config.timezone()));
    assertThat(empty.watermark()).as("no ledger yet").isEmpty();
    assertThat(empty.versions().hourly()).isEqualTo(-1);

    tables.writeHourly(
        D1,
        new Hour("p-1", "impression", 10, 5),
        new Hour("p-1", "click", 10, 2),
        new Hour("p-2", "impression", 23, 1));
    tables.writeHourly(D2, new Hour("p-1", "impression", 0, 100));
    tables.writeHourly(D2, new Hour("p-1", "impression", 0, 4)); // a rerun replaces the day
    tables.writeHourly(D3, new Hour("p-1", "impression", 0, 9));
    tables.close(D1);
    tables.close(D2);
    tables.fail(D3);
    BatchView first = loader.load(empty);

    assertThat(first.watermark()).as("D3 failed: the newest covered day is D2").contains(D2);
    assertThat(first.coverage().days()).containsExactly(D1, D2);
    assertThat(first.count("p-1", Action.IMPRESSION, D1, 10)).isEqualTo(5);
    assertThat(first.count("p-1", Action.CLICK, D1, 10)).isEqualTo(2);
    assertThat(first.count("p-2", Action.IMPRESSION, D1, 23)).isEqualTo(1);
    assertThat(first.count("p-1", Action.IMPRESSION, D2, 0))
        .as("the files the rerun removed are not read (a plain Parquet reader would give 104)")
        .isEqualTo(4);
    assertThat(first.count("p-1", Action.IMPRESSION, D1, 11)).isZero();
    assertThat(first.hourlyRows()).isEqualTo(5);
    assertThat(first.versions()).isEqualTo(loader.currentVersions());

    tables.writeHourly(D3, new Hour("p-1", "impression", 0, 11));
    BatchView second = loader.load(first);
    assertThat(second.count("p-1", Action.IMPRESSION, D3, 0)).isEqualTo(11);
    assertThat(second.hourlyDaysMap().get(D1))
        .as("an unchanged day is reused, not read again")
        .isSameAs(first.hourlyDaysMap().get(D1));
    assertThat(second.hourlyDaysMap().get(D3)).isNotSameAs(first.hourlyDaysMap().get(D3));

    tables.close(D3);
    BatchView third = loader.load(second);
    assertThat(third.watermark()).as("a later success of D3 covers it").contains(D3);
  }
}
