package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gyre.api.Action;
import io.gyre.api.Cancellation;
import io.gyre.api.Executor;
import io.gyre.api.TaskLaunch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttemptTimerTest {
    @TempDir
    Path dir;

    private Launches launches;
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final AttemptTimer timer = new AttemptTimer(scheduler);

    @BeforeEach
    void setUp() {
        launches = new Launches(dir);
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    private TaskLaunch launch(@Nullable Duration timeout) {
        return launches.of(new Action.Java("t"), Map.of(), 1, timeout);
    }

    @Test
    void firesTheCancellationWithReasonTimeoutAfterTheLaunchTimeout() {
        Cancellation cancel = new Cancellation();

        timer.arm(launch(Duration.ofMillis(20)), cancel);

        await().atMost(Duration.ofSeconds(10)).until(cancel::isCancelled);
        assertThat(cancel.reason()).contains(Executor.TIMEOUT);
    }

    @Test
    void schedulesTheTimeoutForTheLaunchesDuration() {
        timer.arm(launch(Duration.ofMinutes(3)), new Cancellation());

        assertThat(scheduler.getQueue()).hasSize(1);
        assertThat(((java.util.concurrent.Delayed) scheduler.getQueue().peek())
                        .getDelay(java.util.concurrent.TimeUnit.SECONDS))
                .isBetween(170L, 180L);
    }

    @Test
    void closingDisarms() {
        Cancellation cancel = new Cancellation();

        try (AttemptTimer.Armed armed = timer.arm(launch(Duration.ofMinutes(1)), cancel)) {
            assertThat(scheduler.getQueue()).hasSize(1);
        }

        assertThat(scheduler.getQueue()).isEmpty();
        assertThat(cancel.reason()).isEqualTo(Optional.empty());
    }

    @Test
    void aLaunchWithoutTimeoutSchedulesNothing() {
        Cancellation cancel = new Cancellation();

        timer.arm(launch(null), cancel).close();

        assertThat(scheduler.getQueue()).isEmpty();
        assertThat(cancel.isCancelled()).isFalse();
    }
}
