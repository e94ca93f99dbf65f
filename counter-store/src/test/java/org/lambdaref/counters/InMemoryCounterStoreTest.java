package org.lambdaref.counters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lambdaref.counters.CounterStore.Delta;

/** The in-memory twin holds to the contract of {@link DynamoDbCounterStore}. */
class InMemoryCounterStoreTest extends CounterStoreContract {

  @Override
  protected CounterStore newStore() {
    return new InMemoryCounterStore();
  }

  @Test
  void aClosedTwinSaysItIsClosed() {
    store.close();
    assertThatThrownBy(() -> store.add(List.of(new Delta("p-1", "impression", H10, 1)), "q-1", 4))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Cannot add to counters of batch 4: this in-memory counter store is closed; use it before"
                + " close(), or make a new one");
  }

  @Test
  void aCountThatWouldOverflowALongFailsTheWholeCall() {
    store.add(List.of(new Delta("p-1", "impression", H10, Long.MAX_VALUE)), "q-1", 0);
    assertThatThrownBy(
            () ->
                store.add(
                    List.of(
                        new Delta("p-1", "impression", H11, 1),
                        new Delta("p-1", "impression", H10, 1)),
                    "q-1",
                    1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "adding 1 to counter p-1/impression#2026-03-01T10:00:00Z (9223372036854775807) in batch 1"
                + " overflows a long");
    assertThat(store.read("p-1", "impression", H11, H12)).isEmpty();
  }
}
