package io.gyre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Matrix sweeps end to end: real processes, run directories, status, plan and resume. */
class GyreSweepTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Cli run(Path flow, String... extra) {
        return Cli.runFlow(flow, tmp.resolve("runs"), "none", extra);
    }

    private static String stdout(Path runDir, String task) throws Exception {
        return Files.readString(runDir.resolve("tasks/" + task + "/stdout.log")).strip();
    }

    private static JsonNode status(Path runDir) throws Exception {
        return Cli.status(runDir);
    }

    @Test
    void everyInstanceSeesItsPointAsVariablesParamsAndHydraArguments() throws Exception {
        Path flow = Cli.write(tmp, "sweep.yaml", """
                name: sweep
                params:
                  lr: 0.5
                  tag: base
                tasks:
                  train:
                    matrix:
                      grid: {lr: [0.1, 0.01], model.depth: [2]}
                      replicas: 2
                    run: |
                      echo "lr=$LR p=${params.lr} ctx=$lr depth=$MODEL_DEPTH pd=${params.model_depth} tag=${params.tag}"
                      echo "sweep=$GYRE_SWEEP point=$GYRE_POINT hash=$GYRE_POINT_HASH replica=$REPLICA/${REPLICA} seed=$SEED"
                  hydra:
                    matrix:
                      grid: {opt.name: [adam], note: ["two words"]}
                    args: hydra
                    command: [echo, train.py, "--seedless=${params.opt_name}"]
                """);
        Cli r = run(flow);
        assertThat(r.exit()).as(r.err()).isZero();
        Path dir = r.runDir();
        String first = stdout(dir, "train[0001]");
        assertThat(first).startsWith("lr=0.1 p=0.1 ctx=0.1 depth=2 pd=2 tag=base\nsweep=train point=1 hash=");
        assertThat(first).contains("replica=1/1 seed=");
        assertThat(stdout(dir, "train[0002]"))
                .contains("lr=0.1 ")
                .contains("point=2 ")
                .contains("replica=2/2");
        assertThat(stdout(dir, "train[0003]")).startsWith("lr=0.01 p=0.01 ctx=0.01");
        assertThat(stdout(dir, "train[0001]").replaceAll("(?s).*seed=", ""))
                .isNotEqualTo(stdout(dir, "train[0002]").replaceAll("(?s).*seed=", ""));
        assertThat(stdout(dir, "hydra[0001]")).isEqualTo("train.py --seedless=adam opt.name=adam note='two words'");

        JsonNode plan = JSON.readTree(
                Cli.run("plan", flow.toString(), "--format", "json").out());
        assertThat(plan.get("task_count").asInt()).isEqualTo(5);
        JsonNode sweep = plan.get("tasks").get(0).get("sweep");
        assertThat(sweep.get("task").asText()).isEqualTo("train");
        assertThat(sweep.get("values").get("model.depth").asText()).isEqualTo("2");
        assertThat(first).contains("hash=" + sweep.get("hash").asText());
        assertThat(Cli.run("plan", flow.toString()).out()).contains("train: 2 points x 2 replicas = 4 tasks");
    }

    @Test
    void aFanInTaskWaitsForEveryPointAndSeesTheirOutputs() throws Exception {
        Path log = tmp.resolve("points.log");
        Path flow = Cli.write(tmp, "fan.yaml", """
                name: fan
                params:
                  log: {type: string}
                tasks:
                  point:
                    matrix: {grid: {n: [1, 2, 3, 4, 5]}}
                    run: |
                      sleep 0.$N
                      echo "$N" >> "${params.log}"
                      echo "LAST=$N" >> "$GYRE_OUTPUT"
                  one:
                    needs: "point[2]"
                    run: echo "one sees $LAST"
                  report:
                    needs: point
                    run: echo "$(wc -l < "${params.log}") points, last=$LAST"
                """);
        Cli r = run(flow, "-p", "log=" + log, "--parallel", "5");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(stdout(r.runDir(), "report")).startsWith("5 points, last=");
        assertThat(stdout(r.runDir(), "one")).isEqualTo("one sees 2");
    }

    @Test
    void statusSummarisesTheSweepAndResumeRerunsOnlyFailedPoints() throws Exception {
        Path gate = tmp.resolve("gate");
        Path flow = Cli.write(tmp, "resume.yaml", """
                name: resume
                params:
                  gate: {type: string}
                tasks:
                  train:
                    matrix: {grid: {lr: [1, 2, 3, 4]}}
                    run: |
                      echo "$LR" >> "${params.gate}.log"
                      if [ "$LR" -ge 3 ] && [ ! -f "${params.gate}" ]; then
                        echo "diverged at step ${LR}00" >&2; exit 1
                      fi
                  report: {needs: train, run: echo done}
                """);
        Cli first = run(flow, "-p", "gate=" + gate);
        assertThat(first.exit()).isEqualTo(1);
        Path dir = first.runDir();
        Cli text = Cli.run("status", dir.toString());
        assertThat(text.out())
                .contains("sweep train: partial, 4 tasks (2 failed, 2 succeeded)")
                .contains("2 failed: exited with code 1: diverged at step 300  [train[0003], train[0004]]");
        JsonNode s = status(dir);
        assertThat(s.get("sweeps").get(0).get("state").asText()).isEqualTo("partial");
        assertThat(s.get("sweeps").get(0).get("failures").get(0).get("pattern").asText())
                .isEqualTo("exited with code #: diverged at step #");

        Files.writeString(gate, "open");
        Cli second = Cli.run("run", "--resume", dir.toString(), "--progress", "none");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(Files.readAllLines(Path.of(gate + ".log"))).hasSize(6);
        JsonNode after = status(dir);
        assertThat(after.get("sweeps").get(0).get("state").asText()).isEqualTo("complete");
        List<Integer> attempts = new ArrayList<>();
        for (JsonNode t : after.get("tasks")) {
            attempts.add(t.get("attempts").asInt());
        }
        assertThat(attempts).containsExactly(1, 1, 2, 2, 1);
    }

    @Test
    void validateAndRunPrintWarningsButContinue() throws Exception {
        Path flow = Cli.write(tmp, "warn.yaml", """
                name: warn
                tasks:
                  t:
                    matrix:
                      grid: {x: [1, 2]}
                      exclude: [{x: 3}]
                    run: echo "$X"
                """);
        Cli v = Cli.run("validate", flow.toString());
        assertThat(v.exit()).isZero();
        assertThat(v.err()).contains(flow + ":6:17: warning: exclude {x: 3}");
        assertThat(v.out()).contains("ok (flow 'warn', 2 tasks");
        Cli r = run(flow);
        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("warning: exclude {x: 3}");
    }

    @Test
    void matrixErrorsExitTwoWithLocations() throws Exception {
        Path flow = Cli.write(tmp, "bad.yaml", """
                name: bad
                tasks:
                  t:
                    matrix:
                      paired: [{a: [1, 2], b: [1]}]
                    args: hydra
                    run: echo
                """);
        Cli r = run(flow);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(flow + ":5:16: paired group 1 (a, b)").contains(flow + ":6:11: args: hydra");
    }
}
