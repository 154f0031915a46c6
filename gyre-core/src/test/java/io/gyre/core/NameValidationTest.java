package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.GyreException;
import io.gyre.api.TaskId;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The typed names' hand-written check agrees with the documented pattern, on edge cases and random strings. */
class NameValidationTest {
    private static final Pattern DOCUMENTED = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-\\[\\]]{0,199}");

    private static boolean documented(String s) {
        return DOCUMENTED.matcher(s).matches() && !s.contains("..");
    }

    private static boolean accepted(String s) {
        try {
            TaskId.of(s);
            return true;
        } catch (GyreException e) {
            return false;
        }
    }

    @Test
    void edgeCases() {
        for (String ok : new String[] {"a", "_", "0", "task[0001]", "a.b-c_d", "x".repeat(200), "a.b.c"}) {
            assertThat(accepted(ok)).as(ok).isTrue();
        }
        for (String bad :
                new String[] {"", ".a", "-a", "[a", "a..b", "a/b", "a b", "a:b", "a|b", "x".repeat(201), "é"}) {
            assertThat(accepted(bad)).as(bad).isFalse();
        }
        assertThatThrownBy(() -> TaskId.of("a..b")).hasMessageContaining("'a..b' is not valid");
    }

    @Test
    void agreesWithThePatternOnRandomStrings() {
        String alphabet = "aZ09_.-[]/: |$é";
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            int n = random.nextInt(0, 8);
            StringBuilder s = new StringBuilder();
            for (int k = 0; k < n; k++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String v = s.toString();
            assertThat(accepted(v)).as("'%s'", v).isEqualTo(documented(v));
        }
    }
}
