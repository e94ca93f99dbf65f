package org.lambdaref.serving;

import static org.lambdaref.model.Columns.ACTION;
import static org.lambdaref.model.Columns.CLICKS;
import static org.lambdaref.model.Columns.DETAILS;
import static org.lambdaref.model.Columns.ENDED_AT;
import static org.lambdaref.model.Columns.EVENTS;
import static org.lambdaref.model.Columns.EVENT_DAY;
import static org.lambdaref.model.Columns.EVENT_ID;
import static org.lambdaref.model.Columns.HOUR_START;
import static org.lambdaref.model.Columns.IMPRESSIONS;
import static org.lambdaref.model.Columns.JOB;
import static org.lambdaref.model.Columns.OWNER_PERIOD;
import static org.lambdaref.model.Columns.PERIOD;
import static org.lambdaref.model.Columns.PLACE_ID;
import static org.lambdaref.model.Columns.P_HH;
import static org.lambdaref.model.Columns.STATUS;
import static org.lambdaref.model.Columns.UNIQUE_USERS;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.types.StringType;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.lambdaref.model.Action;
import org.lambdaref.model.BatchCoverage;
import org.lambdaref.model.Column;
import org.lambdaref.model.Partitions;
import org.lambdaref.model.PeriodUnit;
import org.lambdaref.model.PlatformTables;
import org.lambdaref.model.StorageLayout;
import org.lambdaref.serving.BatchView.DailyDay;
import org.lambdaref.serving.BatchView.DailyRow;
import org.lambdaref.serving.BatchView.HourlyDay;
import org.lambdaref.serving.DeltaTableReader.DataFile;
import org.lambdaref.serving.DeltaTableReader.TableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link BatchView} from the ledger and the t3 tables. A day whose set of live files is
 * the same as in the previous view is reused as it is; only days that a batch run rewrote are read
 * again, so a refresh after one new day reads one day.
 *
 * <p>The ledger is read first, then the tables: the aggregate job records success only after its
 * table commits, so every day covered by the ledger read here is in the table versions read after
 * it. The other order could see coverage of a day the loaded table lacks.
 */
public final class BatchViewLoader {

  private static final Logger LOG = LoggerFactory.getLogger(BatchViewLoader.class);

  private static final List<String> LEDGER_COLUMNS = names(JOB, PERIOD, STATUS, DETAILS, ENDED_AT);
  private static final List<String> HOURLY_COLUMNS = names(PLACE_ID, ACTION, EVENTS, P_HH);

  /** Read when the table has it (tables written before it was added hold p_hh only). */
  private static final List<String> HOURLY_OPTIONAL = names(HOUR_START);

  private static final List<String> DAILY_COLUMNS =
      names(PLACE_ID, IMPRESSIONS, CLICKS, UNIQUE_USERS);
  private static final List<String> LATE_COLUMNS = names(EVENT_ID, PLACE_ID, ACTION, EVENT_DAY);

  /**
   * The run that set a late row aside; tables written before it existed: the arrival day (p_ymd)
   * stands in.
   */
  private static final List<String> LATE_OPTIONAL = names(OWNER_PERIOD);

  private final DeltaTableReader reader;
  private final String ledgerLocation;
  private final String hourlyLocation;
  private final String dailyLocation;
  private final String lateLocation;
  private final ZoneId zone;

  /** How the served source is loaded: coverage of an hourly source needs every hour's aggregate. */
  private final PeriodUnit unit;

  private final Clock clock;

  public BatchViewLoader(
      DeltaTableReader reader, StorageLayout storage, ZoneId zone, PeriodUnit unit, Clock clock) {
    this.reader = reader;
    this.unit = unit;
    this.ledgerLocation = storage.tableLocation(PlatformTables.BATCH_LEDGER.name());
    this.hourlyLocation = storage.tableLocation(PlatformTables.PLACE_ACTION_1H.name());
    this.dailyLocation = storage.tableLocation(PlatformTables.PLACE_IMPRESSION_1D.name());
    this.lateLocation = storage.tableLocation(PlatformTables.PLACE_EVENT_LATE.name());
    this.zone = zone;
    this.clock = clock;
  }

  /** The versions the tables are at now: cheap (the latest snapshot of three logs). */
  public BatchView.Versions currentVersions() {
    return new BatchView.Versions(
        reader.latestVersion(ledgerLocation).orElse(-1L),
        reader.latestVersion(hourlyLocation).orElse(-1L),
        reader.latestVersion(dailyLocation).orElse(-1L),
        reader.latestVersion(lateLocation).orElse(-1L));
  }

  /** A new view of the latest versions, reusing what {@code previous} has of unchanged days. */
  public BatchView load(BatchView previous) {
    long started = System.nanoTime();
    Optional<TableFiles> ledger =
        reader.files(PlatformTables.BATCH_LEDGER, ledgerLocation, LEDGER_COLUMNS);
    List<BatchCoverage.LedgerRun> ledgerRows = ledger.map(this::ledgerRows).orElse(List.of());
    BatchCoverage coverage = BatchCoverage.of(aggregateRuns(ledgerRows), unit);
    RecentRuns recent = RecentRuns.of(ledgerRows, RecentRuns.DAYS_KEPT);
    Optional<TableFiles> hourlyFiles =
        reader.files(
            PlatformTables.PLACE_ACTION_1H, hourlyLocation, HOURLY_COLUMNS, HOURLY_OPTIONAL);
    Optional<TableFiles> dailyFiles =
        reader.files(PlatformTables.PLACE_IMPRESSION_1D, dailyLocation, DAILY_COLUMNS);
    Optional<TableFiles> lateFiles =
        reader.files(PlatformTables.PLACE_EVENT_LATE, lateLocation, LATE_COLUMNS, LATE_OPTIONAL);

    Map<String, String> placeIds = new HashMap<>(); // one String per place id across all days
    int[] read = new int[2];
    TreeMap<LocalDate, HourlyDay> hourly =
        days(
            hourlyFiles,
            previous.hourlyDaysMap(),
            (t, files) -> readHourlyDay(t, files, placeIds),
            read,
            0);
    TreeMap<LocalDate, DailyDay> daily =
        days(
            dailyFiles,
            previous.dailyDaysMap(),
            (t, files) -> readDailyDay(t, files, placeIds),
            read,
            1);
    TreeMap<LocalDate, BatchView.LateDay> late =
        days(
            lateFiles,
            previous.lateDaysMap(),
            (t, files) -> readLateDay(t, files, placeIds),
            new int[2],
            0);
    BatchView.Versions versions =
        new BatchView.Versions(
            ledger.map(TableFiles::version).orElse(-1L),
            hourlyFiles.map(TableFiles::version).orElse(-1L),
            dailyFiles.map(TableFiles::version).orElse(-1L),
            lateFiles.map(TableFiles::version).orElse(-1L));
    BatchView view =
        new BatchView(zone, coverage, versions, clock.instant(), hourly, daily, late, recent);
    LOG.info(
        "batch view loaded in {} ms: {} covered day(s), newest {}, versions {}, {} hourly days ({} read), {} daily days ({} read)",
        (System.nanoTime() - started) / 1_000_000,
        coverage.days().size(),
        coverage.newest().map(LocalDate::toString).orElse("none"),
        versions,
        hourly.size(),
        read[0],
        daily.size(),
        read[1]);
    return view;
  }

  /** Each day of {@code table}: the previous block when its files are the same, else read anew. */
  private static <D extends BatchView.DayBlock> TreeMap<LocalDate, D> days(
      Optional<TableFiles> table,
      Map<LocalDate, D> previous,
      BiFunction<TableFiles, List<DataFile>, D> read,
      int[] readCounts,
      int counter) {
    TreeMap<LocalDate, D> out = new TreeMap<>();
    table.ifPresent(
        t ->
            byDay(t)
                .forEach(
                    (day, files) -> {
                      D old = previous.get(day);
                      if (old != null && old.files().equals(paths(files))) {
                        out.put(day, old);
                      } else {
                        out.put(day, read.apply(t, files));
                        readCounts[counter]++;
                      }
                    }));
    return out;
  }

  /** Every row of the ledger, as far as coverage and the recent runs care. */
  private List<BatchCoverage.LedgerRun> ledgerRows(TableFiles ledger) {
    List<BatchCoverage.LedgerRun> runs = new ArrayList<>();
    for (DataFile file : ledger.files()) {
      reader.read(
          ledger,
          file,
          (c, r) ->
              runs.add(
                  new BatchCoverage.LedgerRun(
                      c[0].getString(r),
                      c[1].getString(r),
                      c[2].getString(r),
                      c[3].isNullAt(r) ? null : c[3].getString(r),
                      c[4].isNullAt(r) ? Instant.EPOCH : micros(c[4].getLong(r)))));
    }
    return runs;
  }

  /** The rows of the jobs whose runs decide coverage (the aggregates). */
  private static List<BatchCoverage.LedgerRun> aggregateRuns(List<BatchCoverage.LedgerRun> rows) {
    return rows.stream()
        .filter(
            r ->
                BatchCoverage.AGGREGATE_JOB.equals(r.job())
                    || BatchCoverage.HOURLY_AGGREGATE_JOB.equals(r.job()))
        .toList();
  }

  private static Map<LocalDate, List<DataFile>> byDay(TableFiles table) {
    return table.files().stream()
        .collect(
            Collectors.groupingBy(
                f ->
                    LocalDate.parse(
                        f.partitionValues().get(Partitions.DAY_COLUMN), Partitions.DAY_FORMAT)));
  }

  private static Set<String> paths(List<DataFile> files) {
    return files.stream().map(DataFile::path).collect(Collectors.toSet());
  }

  private HourlyDay readHourlyDay(
      TableFiles table, List<DataFile> files, Map<String, String> placeIds) {
    Map<String, long[]> places = new HashMap<>();
    long[] rows = new long[1];
    boolean withStart = table.has(HOUR_START.name());
    for (DataFile file : files) {
      LocalDate day =
          LocalDate.parse(file.partitionValues().get(Partitions.DAY_COLUMN), Partitions.DAY_FORMAT);
      reader.read(
          table,
          file,
          (c, r) -> {
            Optional<Action> action = Action.fromWire(c[1].getString(r));
            if (action.isEmpty()) {
              return; // an action this version does not serve; the API refuses to ask for it
            }
            String place = placeIds.computeIfAbsent(c[0].getString(r), p -> p);
            int hour =
                withStart && !c[4].isNullAt(r)
                    ? Partitions.hourOfDay(micros(c[4].getLong(r)), zone)
                    // a row written before hour_start: its local hour's first instant (no fold-back
                    // night apart)
                    : Partitions.hourOfDay(
                        day.atTime(Integer.parseInt(hourValue(c[3], r)), 0)
                            .atZone(zone)
                            .toInstant(),
                        zone);
            if (hour < 0 || hour >= BatchView.HOURS) {
              return; // not an hour of this day: the batch layer never writes one
            }
            places
                    .computeIfAbsent(place, p -> new long[BatchView.SLOTS])[
                    BatchView.slot(action.get(), hour)] +=
                c[2].getLong(r);
            rows[0]++;
          });
    }
    return new HourlyDay(new HashSet<>(paths(files)), places, rows[0]);
  }

  private static Instant micros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  private static String hourValue(ColumnVector v, int r) {
    // p_hh is a string partition ("07"); tolerate an integer partition column as well
    return v.getDataType() instanceof StringType ? v.getString(r) : Integer.toString(v.getInt(r));
  }

  /**
   * One arrival day's late rows: distinct event ids per event day, owning run, place and action
   * (the owning run tells whether a restatement of the event day took the row in).
   */
  private BatchView.LateDay readLateDay(
      TableFiles table, List<DataFile> files, Map<String, String> placeIds) {
    Map<LocalDate, Map<String, Map<String, Map<Action, Set<String>>>>> ids = new HashMap<>();
    boolean withOwner = table.has(OWNER_PERIOD.name());
    for (DataFile file : files) {
      String arrivalDay = file.partitionValues().get(Partitions.DAY_COLUMN);
      reader.read(
          table,
          file,
          (c, r) -> {
            Optional<Action> action = Action.fromWire(c[2].getString(r));
            if (action.isEmpty() || c[3].isNullAt(r)) {
              return;
            }
            LocalDate eventDay = LocalDate.parse(c[3].getString(r), Partitions.DAY_FORMAT);
            String owner = withOwner && !c[4].isNullAt(r) ? c[4].getString(r) : arrivalDay;
            ids.computeIfAbsent(eventDay, d -> new HashMap<>())
                .computeIfAbsent(owner, o -> new HashMap<>())
                .computeIfAbsent(
                    placeIds.computeIfAbsent(c[1].getString(r), p -> p),
                    p -> new EnumMap<>(Action.class))
                .computeIfAbsent(action.get(), a -> new HashSet<>())
                .add(c[0].getString(r));
          });
    }
    Map<LocalDate, Map<String, Map<String, long[]>>> counts = new HashMap<>();
    ids.forEach(
        (day, owners) ->
            owners.forEach(
                (owner, places) ->
                    places.forEach(
                        (place, byAction) -> {
                          long[] c =
                              counts
                                  .computeIfAbsent(day, d -> new HashMap<>())
                                  .computeIfAbsent(owner, o -> new HashMap<>())
                                  .computeIfAbsent(place, p -> new long[Action.values().length]);
                          byAction.forEach((a, set) -> c[a.ordinal()] = set.size());
                        })));
    return new BatchView.LateDay(new HashSet<>(paths(files)), counts);
  }

  private DailyDay readDailyDay(
      TableFiles table, List<DataFile> files, Map<String, String> placeIds) {
    Map<String, DailyRow> places = new HashMap<>();
    for (DataFile file : files) {
      reader.read(
          table,
          file,
          (c, r) ->
              places.put(
                  placeIds.computeIfAbsent(c[0].getString(r), p -> p),
                  new DailyRow(c[1].getLong(r), c[2].getLong(r), c[3].getLong(r))));
    }
    return new DailyDay(new HashSet<>(paths(files)), places);
  }

  private static List<String> names(Column... columns) {
    return Arrays.stream(columns).map(Column::name).toList();
  }
}
