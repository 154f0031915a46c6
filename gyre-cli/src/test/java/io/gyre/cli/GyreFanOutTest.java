package io.gyre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dynamic fan-out end to end: a shell task writes a JSON list and a swept task runs once per item. */
class GyreFanOutTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Cli run(Path flow, String... extra) {
        return Cli.runFlow(flow, tmp.resolve("runs"), "none", extra);
    }

    private static String stdout(Path runDir, String task) throws Exception {
        return Files.readString(runDir.resolve("tasks/" + task + "/stdout.log")).strip();
    }

    @Test
    void aTaskWritesAListAndTheSweptTaskRunsOncePerItemThenFansIn() throws Exception {
        Path flow = Cli.write(tmp, "fan.yaml", """
                name: fan
                tasks:
                  list:
                    run: |
                      echo '[{"name": "a", "n": 1}, {"name": "b", "n": 2}, {"name": "c", "n": 3}]' > items.json
                  work:
                    matrix:
                      grid:
                        item: {from: list, file: items.json}
                        x: [10, 20]
                    run: |
                      echo "$GYRE_POINT ${params.item_name} $ITEM_N $X"
                      echo "OUT_${ITEM_NAME}_$X=$((ITEM_N * X))" >> "$GYRE_OUTPUT"
                  sum:
                    needs: work
                    run: env | grep '^OUT_' | sort | tr '\\n' ' '
                """);
        assertThat(Cli.run("plan", flow.toString()).out())
                .contains("work: expanded at run time from list (x 2 static points)");

        Cli r = run(flow, "--parallel", "3");

        assertThat(r.exit()).as(r.err()).isZero();
        Path dir = r.runDir();
        assertThat(stdout(dir, "work[0001]")).isEqualTo("1 a 1 10");
        assertThat(stdout(dir, "work[0002]")).isEqualTo("2 a 1 20");
        assertThat(stdout(dir, "work[0006]")).isEqualTo("6 c 3 20");
        assertThat(stdout(dir, "sum"))
                .isEqualTo("OUT_a_10=10 OUT_a_20=20 OUT_b_10=20 OUT_b_20=40 OUT_c_10=30 OUT_c_20=60");
        assertThat(dir.resolve("tasks/work/fanout.json")).exists();
        assertThat(Cli.run("status", dir.toString()).out())
                .contains("sweep work: complete, 6 tasks (6 succeeded), expanded at run time from list");
    }

    @Test
    void aFailedPointSkipsDependentsAndResumeRerunsOnlyItWithTheRecordedList() throws Exception {
        Path gate = tmp.resolve("gate");
        Path flow = Cli.write(tmp, "resume.yaml", """
                name: resume
                params:
                  gate: {type: string}
                tasks:
                  list:
                    # a resumed run must not see a different list: the expansion is recorded
                    run: if [ -f "${params.gate}" ]; then echo '[9]' > v.json; else echo '[1, 2, 3]' > v.json; fi
                  work:
                    matrix: {grid: {v: {from: list, file: v.json}}}
                    run: |
                      echo "$V" >> "${params.gate}.log"
                      if [ "$V" = 2 ] && [ ! -f "${params.gate}" ]; then echo "bad value $V" >&2; exit 1; fi
                  after: {needs: work, run: echo after}
                """);
        Cli first = run(flow, "-p", "gate=" + gate);
        assertThat(first.exit()).isEqualTo(1);
        Path dir = first.runDir();
        JsonNode s = Cli.status(dir);
        assertThat(s.get("sweeps").get(0).get("state").asText()).isEqualTo("partial");
        assertThat(s.get("sweeps").get(0).get("from").asText()).isEqualTo("list");
        assertThat(Cli.run("status", dir.toString()).out())
                .contains("sweep work: partial, 3 tasks (1 failed, 2 succeeded), expanded at run time from list")
                .contains("1 failed: exited with code 1: bad value 2  [work[0002]]")
                .containsPattern("work +failed .*1 of 3 instances did not succeed: work\\[0002\\]")
                .containsPattern("after +skipped");

        Files.writeString(gate, "open");
        Files.delete(dir.resolve("tasks/list/outputs/v.json"));
        Cli second = Cli.run("run", "--resume", dir.toString(), "--progress", "none");

        assertThat(second.exit()).as(second.err()).isZero();
        List<String> ran = Files.readAllLines(Path.of(gate + ".log"));
        // the first run's instances run in parallel (any order); the resume reruns only the failed one
        assertThat(ran.subList(0, 3)).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(ran.subList(3, ran.size())).containsExactly("2");
        assertThat(stdout(dir, "after")).isEqualTo("after");
        assertThat(Cli.status(dir).get("sweeps").get(0).get("state").asText()).isEqualTo("complete");
    }

    @Test
    void aBrokenListFailsTheSweptTaskWithTheReasonAndAnEmptyListSucceedsWithNothingToDo() throws Exception {
        Path flow = Cli.write(tmp, "broken.yaml", """
                name: broken
                tasks:
                  list: {run: "echo '{\\"a\\": 1}' > v.json; echo '[]' > none.json"}
                  work:
                    matrix: {grid: {v: {from: list}}}
                    run: echo "$V"
                  nothing:
                    matrix: {grid: {v: {from: list, file: none.json}}}
                    run: echo "$V"
                  after: {needs: [work], run: echo after}
                  afterNothing: {needs: [nothing], run: echo after nothing}
                """);
        Cli r = run(flow);

        assertThat(r.exit()).isEqualTo(1);
        Path dir = r.runDir();
        String status = Cli.run("status", dir.toString()).out();
        assertThat(status)
                .containsPattern(
                        "work +failed .*the list for key 'v' of task 'work' \\(v.json of task 'list'\\) must be"
                                + " a JSON list, got an object")
                .containsPattern("after +skipped")
                .containsPattern("nothing +succeeded")
                .contains("sweep nothing: complete, 0 tasks, expanded at run time from list")
                .contains("sweep work: failed, not expanded (values from list)");
        assertThat(stdout(dir, "afterNothing")).isEqualTo("after nothing");
    }
}
