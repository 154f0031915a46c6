package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.GyreException;
import org.junit.jupiter.api.Test;

class PoolScalingTest {
    @Test
    void eighteenWaitingAtFactorSixWithinZeroToFourGivesThree() {
        assertThat(new PoolScaling(0, 4, 6).desired(18, 0)).isEqualTo(3);
    }

    @Test
    void runningAttemptsCountLikeWaitingOnesAndPartialWorkersRoundUp() {
        PoolScaling s = new PoolScaling(0, 4, 6);
        assertThat(s.desired(12, 6)).isEqualTo(3);
        assertThat(s.desired(1, 0)).isEqualTo(1);
        assertThat(s.desired(7, 0)).isEqualTo(2);
    }

    @Test
    void theCountStaysWithinMinAndMax() {
        assertThat(new PoolScaling(0, 4, 6).desired(1000, 50)).isEqualTo(4);
        assertThat(new PoolScaling(2, 4, 6).desired(0, 0)).isEqualTo(2);
        assertThat(new PoolScaling(0, 4, 6).desired(0, 0)).isZero();
    }

    @Test
    void nonsenseLimitsAreRefusedWithTheirValues() {
        assertThatThrownBy(() -> new PoolScaling(3, 2, 1))
                .isInstanceOf(GyreException.class)
                .hasMessageContaining("min 3, max 2");
        assertThatThrownBy(() -> new PoolScaling(0, 2, 0)).hasMessageContaining("factor 0");
        assertThatThrownBy(() -> new PoolScaling(0, 2, 1).desired(-1, 0)).hasMessageContaining("negative");
    }
}
