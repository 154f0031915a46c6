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

/** {@code gyre run}, {@code status} and {@code logs} end to end, with real processes and run directories. */
class GyreRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path runs() {
        return tmp.resolve("runs");
    }

    private Cli run(Path flow, String... extra) {
        return Cli.runFlow(flow, runs(), "plain", extra);
    }

    private static JsonNode status(Path runDir) throws Exception {
        return Cli.status(runDir);
    }

    private static JsonNode task(JsonNode status, String id) {
        return Cli.task(status, id);
    }

    @Test
    void aSucceedingFlowExitsZeroAndFillsTheRunDirectory() throws Exception {
        Path flow = Cli.write(tmp, "diamond.yaml", """
                name: diamond
                tasks:
                  a: {run: echo from-a}
                  b: {needs: a, command: [echo, from-b]}
                  c: {needs: a, run: echo from-c >&2}
                  d: {needs: [b, c], run: echo done}
                """);
        Cli r = run(flow);
        assertThat(r.exit()).as(r.err()).isZero();
        Path dir = r.runDir();
        assertThat(dir.getParent()).isEqualTo(runs());
        assertThat(dir.resolve("run.json")).isRegularFile();
        assertThat(dir.resolve("flow.yaml")).hasContent(Files.readString(flow));
        for (String t : List.of("a", "b", "c", "d")) {
            assertThat(dir.resolve("tasks/" + t + "/status.json")).isRegularFile();
            assertThat(dir.resolve("tasks/" + t + "/outputs")).isDirectory();
        }
        assertThat(dir.resolve("tasks/b/stdout.log")).hasContent("from-b");
        assertThat(dir.resolve("tasks/c/stderr.log")).hasContent("from-c");
        List<String> kinds = new ArrayList<>();
        long seq = 0;
        for (String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
            JsonNode e = JSON.readTree(line);
            assertThat(e.get("seq").asLong()).isEqualTo(++seq);
            assertThat(e.get("time").asText()).isNotEmpty();
            kinds.add(e.get("kind").asText());
        }
        assertThat(kinds.getFirst()).isEqualTo("run_started");
        assertThat(kinds.getLast()).isEqualTo("run_succeeded");
        assertThat(kinds).contains("task_ready", "task_started", "task_succeeded");

        JsonNode s = status(dir);
        assertThat(s.get("id").asText()).isEqualTo(dir.getFileName().toString());
        assertThat(s.get("state").asText()).isEqualTo("succeeded");
        JsonNode d = task(s, "d");
        assertThat(d.get("state").asText()).isEqualTo("succeeded");
        assertThat(d.get("attempts").asInt()).isEqualTo(1);
        assertThat(d.get("exit_code").asInt()).isZero();
        assertThat(d.get("started_at").asText()).isNotEmpty();
        assertThat(d.get("ended_at").asText()).isNotEmpty();

        Cli logs = Cli.run("logs", dir.toString(), "a");
        assertThat(logs.exit()).isZero();
        assertThat(logs.out()).isEqualTo("from-a\n");
        assertThat(Cli.run("logs", dir.toString(), "c", "--stderr").out()).isEqualTo("from-c\n");
    }

    @Test
    void aFailedTaskExitsOneSkipsItsDependentsAndRunsAlwaysTasks() throws Exception {
        Path flow = Cli.write(tmp, "fail.yaml", """
                name: fail
                tasks:
                  broken: {run: "echo oops >&2; exit 3"}
                  after: {needs: broken, run: echo never}
                  other: {run: echo independent}
                  cleanup: {needs: [after, other], when: always, run: echo cleaning}
                """);
        Cli r = run(flow);
        assertThat(r.exit()).isEqualTo(1);
        JsonNode s = status(r.runDir());
        assertThat(s.get("state").asText()).isEqualTo("failed");
        assertThat(task(s, "broken").get("state").asText()).isEqualTo("failed");
        assertThat(task(s, "broken").get("exit_code").asInt()).isEqualTo(3);
        assertThat(task(s, "after").get("state").asText()).isEqualTo("skipped");
        assertThat(task(s, "other").get("state").asText()).isEqualTo("succeeded");
        assertThat(task(s, "cleanup").get("state").asText()).isEqualTo("succeeded");
        Cli text = Cli.run("status", r.runDir().toString());
        assertThat(text.out()).contains("broken").contains("exited with code 3").contains("1 failed");
    }

    @Test
    void invalidFlowsExitTwoWithLocatedProblemsAndCreateNoRun() throws Exception {
        Path flow = Cli.write(tmp, "bad.yaml", """
                name: bad
                tasks:
                  a:
                    run: echo a
                    need: [b]
                  b:
                    needs: [c]
                    run: echo b
                  c:
                    needs: [b]
                    run: echo c
                """);
        Cli r = run(flow);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains(flow + ":5:5")
                .contains("did you mean 'needs'")
                .contains("b -> c -> b");
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(Cli.children(runs())).isEmpty();

        Cli validate = Cli.run("validate", flow.toString());
        assertThat(validate.exit()).isEqualTo(2);
        assertThat(validate.err()).contains(flow + ":5:5");
    }

    @Test
    void badParametersAndOptionsExitTwoAndStartNothing() throws Exception {
        Path flow = Cli.write(tmp, "p.yaml", """
                name: p
                params:
                  n: {type: int, default: 1}
                tasks:
                  a: {run: "echo ${params.n}"}
                """);
        assertThat(run(flow, "-p", "n=many").exit()).isEqualTo(2);
        assertThat(run(flow, "-p", "m=1").err()).contains("unknown param 'm'");
        assertThat(run(flow, "--target", "nope").err()).contains("--target 'nope'");
        assertThat(run(flow, "--parallel", "0").exit()).isEqualTo(2);
        Cli missing = Cli.run("run", tmp.resolve("missing.yaml").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("missing.yaml does not exist").doesNotContain("Exception");
        assertThat(Cli.run("run", "--bogus").err()).contains("Unknown option");
        assertThat(Cli.children(runs())).isEmpty();
    }

    @Test
    void aTargetRunsOnlyItsDependencyClosure() throws Exception {
        Path flow = Cli.write(tmp, "t.yaml", """
                name: t
                tasks:
                  a: {run: echo a}
                  b: {needs: a, run: echo b}
                  c: {needs: a, run: echo c}
                  d: {needs: [b, c], run: echo d}
                """);
        Cli r = run(flow, "--target", "b");
        assertThat(r.exit()).isZero();
        JsonNode s = status(r.runDir());
        assertThat(s.get("tasks")).hasSize(2);
        assertThat(r.runDir().resolve("tasks/c")).doesNotExist();
        assertThat(r.runDir().resolve("tasks/d")).doesNotExist();
    }

    @Test
    void paramsContextAndOutputsReachTasksWithTheDocumentedPrecedence() throws Exception {
        Path flow = Cli.write(tmp, "ctx.yaml", """
                name: ctx
                params:
                  who: world
                context:
                  LEVEL: flow
                  MODE: flow
                tasks:
                  first:
                    run: |
                      echo "TOKEN=abc=def" >> "$GYRE_OUTPUT"
                  second:
                    needs: first
                    env:
                      MODE: task
                      LEVEL: task
                    run: |
                      echo "who=${params.who} token=$TOKEN ctx=${ctx.TOKEN} level=$LEVEL mode=$MODE run=${RUN_ID}"
                      echo "attempt=$GYRE_ATTEMPT task=$GYRE_TASK_ID"
                """);
        Cli r = run(flow, "-p", "who=gyre", "--set", "MODE=override");
        assertThat(r.exit()).as(r.err()).isZero();
        String id = r.runDir().getFileName().toString();
        assertThat(r.runDir().resolve("tasks/second/stdout.log"))
                .hasContent("who=gyre token=abc=def ctx=abc=def level=task mode=override run=" + id
                        + "\nattempt=1 task=second");
    }

    @Test
    void aParameterValueReachesTheScriptAsDataNeverAsCode() throws Exception {
        Path marker = tmp.resolve("injected");
        Path flow = Cli.write(tmp, "inj.yaml", """
                name: inj
                params:
                  name: x
                tasks:
                  greet:
                    run: echo "hello ${params.name}"
                """);
        String evil = "'; touch " + marker + "; echo '";
        Cli r = run(flow, "-p", "name=" + evil);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(marker).doesNotExist();
        assertThat(r.runDir().resolve("tasks/greet/stdout.log")).hasContent("hello " + evil);
    }

    @Test
    void resumeKeepsSucceededTasksAndRerunsTheRest() throws Exception {
        Path gate = tmp.resolve("gate");
        Path flow = Cli.write(tmp, "resume.yaml", """
                name: resume
                params:
                  gate: {type: string}
                tasks:
                  prepare:
                    run: echo "prepared $GYRE_ATTEMPT" >> "${params.gate}.log"
                  train:
                    needs: prepare
                    run: test -f "${params.gate}"
                  report:
                    needs: train
                    run: echo reported
                """);
        Cli first = run(flow, "-p", "gate=" + gate);
        assertThat(first.exit()).isEqualTo(1);
        Path dir = first.runDir();
        assertThat(task(status(dir), "report").get("state").asText()).isEqualTo("skipped");

        Files.writeString(gate, "open");
        Cli second = Cli.run("run", "--resume", dir.toString(), "--progress", "none");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.runDir()).isEqualTo(dir);
        JsonNode s = status(dir);
        assertThat(s.get("state").asText()).isEqualTo("succeeded");
        assertThat(task(s, "prepare").get("attempts").asInt()).isEqualTo(1);
        assertThat(task(s, "train").get("attempts").asInt()).isEqualTo(2);
        assertThat(Files.readAllLines(Path.of(gate + ".log"))).containsExactly("prepared 1");
        List<String> lines = Files.readAllLines(dir.resolve("events.jsonl"));
        for (int i = 0; i < lines.size(); i++) {
            assertThat(JSON.readTree(lines.get(i)).get("seq").asLong()).isEqualTo(i + 1L);
        }
        assertThat(lines).anyMatch(l -> l.contains("\"run_resumed\""));

        Cli again = Cli.run("run", "--resume", dir.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("already succeeded");
    }

    @Test
    void planRendersTheGraphInEveryFormatWithoutRunning() throws Exception {
        Path flow = Cli.write(tmp, "plan.yaml", """
                name: plan
                tasks:
                  a: {run: touch should-not-exist}
                  b: {needs: a, run: echo b}
                  c: {needs: [a, b], run: echo c}
                """);
        Cli text = Cli.run("plan", flow.toString());
        assertThat(text.exit()).isZero();
        assertThat(text.out()).contains("3 tasks", "3 levels", "level 2:", "c  <- a, b");
        JsonNode json = JSON.readTree(
                Cli.run("plan", flow.toString(), "--format", "json").out());
        assertThat(json.get("task_count").asInt()).isEqualTo(3);
        assertThat(json.get("levels").toString()).isEqualTo("[[\"a\"],[\"b\"],[\"c\"]]");
        assertThat(Cli.run("plan", flow.toString(), "--format", "mermaid").out())
                .contains("flowchart TD", "t0 --> t1");
        assertThat(Cli.run("plan", flow.toString(), "--format", "dot").out()).contains("\"a\" -> \"c\";");
        assertThat(Cli.run("plan", flow.toString(), "--format", "svg").exit()).isEqualTo(2);
        assertThat(tmp.resolve("should-not-exist")).doesNotExist();
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("run", "validate", "plan", "status", "logs")) {
            Cli help = Cli.run(command, "--help");
            assertThat(help.exit()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: gyre " + command);
        }
        assertThat(Cli.run("--help").out()).contains("run", "validate", "plan", "status", "logs");
    }

    @Test
    void statusAndLogsExplainBadRunDirectories() {
        Cli s = Cli.run("status", tmp.toString());
        assertThat(s.exit()).isEqualTo(2);
        assertThat(s.err()).contains("not a run directory");
        Cli l = Cli.run("logs", tmp.resolve("nope").toString(), "a");
        assertThat(l.exit()).isEqualTo(2);
        assertThat(l.err()).contains("not a directory");
    }
}
