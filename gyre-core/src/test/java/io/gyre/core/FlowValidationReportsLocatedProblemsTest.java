package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FlowValidationReportsLocatedProblemsTest {
    private static List<String> problems(String yaml) {
        try {
            FlowLoader.parse(yaml, "flows/x.yaml");
        } catch (InvalidFlowException e) {
            return e.problems().stream().map(Problem::toString).toList();
        }
        throw new AssertionError("expected problems in:\n" + yaml);
    }

    @Test
    void unknownTaskKeyWithDidYouMean() {
        assertThat(problems("""
                        name: x
                        tasks:
                          a: {run: echo a}
                          b:
                            run: echo b
                            need: [a]
                        """))
                .containsExactly("flows/x.yaml:6:5: unknown key 'need' in task 'b' (did you mean 'needs'?)");
    }

    @Test
    void unknownTopLevelKeyListsAllowedKeysWhenNothingIsClose() {
        assertThat(problems("""
                        name: x
                        zzz: 1
                        tasks: {a: {run: echo}}
                        """))
                .containsExactly("flows/x.yaml:2:1: unknown key 'zzz' at the top level"
                        + " (allowed keys: name, description, params, context, tasks, merge)");
    }

    @Test
    void aliasFromOtherToolsIsSuggested() {
        assertThat(problems("""
                        name: x
                        tasks:
                          a: {run: echo}
                          b: {run: echo, depends_on: [a]}
                        """))
                .containsExactly("flows/x.yaml:4:18: unknown key 'depends_on' in task 'b' (did you mean 'needs'?)");
    }

    @Test
    void unknownNeedSuggestsTaskId() {
        assertThat(problems("""
                        name: x
                        tasks:
                          prepare: {run: echo}
                          train: {run: echo, needs: [prepar]}
                        """))
                .containsExactly(
                        "flows/x.yaml:4:30: unknown task 'prepar' in needs of task 'train' (did you mean 'prepare'?)");
    }

    @Test
    void duplicateTaskIdsAndDuplicateKeys() {
        assertThat(problems("""
                        name: x
                        tasks:
                          a: {run: echo 1}
                          a: {run: echo 2}
                          b:
                            run: echo b
                            run: echo c
                        """))
                .containsExactly(
                        "flows/x.yaml:4:3: duplicate task id 'a' (first defined at line 3)",
                        "flows/x.yaml:7:5: duplicate key 'run' in task 'b' (first defined at line 6)");
    }

    @Test
    void wrongTypesAreNamedWithTheirValue() {
        assertThat(problems("""
                        name: x
                        tasks:
                          a:
                            run: echo
                            retries: {max: abc, jitter: 1.5, delay: 10x}
                            timeout: -5s
                            resources: {cpu: -1, memory: 4QB, gpu: 1.5}
                            when: sometimes
                        """))
                .containsExactly(
                        "flows/x.yaml:5:20: retries.max in task 'a' must be an integer, got 'abc'",
                        "flows/x.yaml:5:33: retries.jitter in task 'a' must be between 0 and 1, got '1.5'"
                                + " (0.2 draws each delay from 80% to 100% of it)",
                        "flows/x.yaml:5:45: retries.delay in task 'a' must be a duration, got '10x'"
                                + " (use 500ms, 10s, 5m, 1h, 1h30m or a number of seconds)",
                        "flows/x.yaml:6:14: timeout in task 'a' must not be negative, got '-5s'",
                        "flows/x.yaml:7:22: resources.cpu in task 'a' must not be negative, got '-1'",
                        "flows/x.yaml:7:34: resources.memory in task 'a' must be a memory size, got '4QB'"
                                + " (use bytes or a number with K, M, G or T (e.g. 512M, 4GiB))",
                        "flows/x.yaml:7:44: resources.gpu in task 'a' must be an integer, got '1.5'",
                        "flows/x.yaml:8:11: unknown when 'sometimes' in task 'a' (use success, always)");
    }

    @Test
    void runAndCommandExactlyOneAndCommandNotEmpty() {
        assertThat(problems("""
                        name: x
                        tasks:
                          both: {run: echo, command: [echo]}
                          neither: {description: nothing}
                          empty: {command: []}
                          scalar: {command: echo hi}
                        """))
                .containsExactly(
                        "flows/x.yaml:3:21: task 'both' has both run and command"
                                + " (use run: for a bash script or command: for an argv list, not both)",
                        "flows/x.yaml:4:3: task 'neither' has neither run nor command"
                                + " (add run: <bash script> or command: [program, args...])",
                        "flows/x.yaml:5:20: command in task 'empty' is empty"
                                + " (give at least the program: command: [echo, hello])",
                        "flows/x.yaml:6:21: command in task 'scalar' must be a list (argv), got 'echo hi'"
                                + " (write command: [echo, hello], or use run: for a shell script)");
    }

    @Test
    void invalidTaskIdAndSelfNeed() {
        assertThat(problems("""
                        name: x
                        tasks:
                          "bad id!": {run: echo}
                          -lead: {run: echo}
                          me: {run: echo, needs: me}
                        """))
                .containsExactly(
                        "flows/x.yaml:3:3: invalid task id 'bad id!' (use letters, digits, '_', '-' and '.',"
                                + " starting with a letter, digit or '_' (no '..'))",
                        "flows/x.yaml:4:3: invalid task id '-lead' (use letters, digits, '_', '-' and '.',"
                                + " starting with a letter, digit or '_' (no '..'))",
                        "flows/x.yaml:5:26: task 'me' needs itself (remove 'me' from its needs)");
    }

    @Test
    void threeCycleIsReportedAsItsPathAtItsFirstTask() {
        assertThat(problems("""
                        name: x
                        tasks:
                          start: {run: echo}
                          a: {run: echo, needs: [start, c]}
                          b: {run: echo, needs: a}
                          c: {run: echo, needs: b}
                        """))
                .containsExactly("flows/x.yaml:4:3: dependency cycle: a -> c -> b -> a"
                        + " (a task cannot (indirectly) need itself; remove one of these needs)");
    }

    @Test
    void yamlSyntaxErrorIsLocated() {
        List<String> found = problems("""
                name: x
                tasks:
                  a: {run: echo
                  b: [
                """);
        assertThat(found).hasSize(1);
        assertThat(found.get(0)).startsWith("flows/x.yaml:4:").contains("invalid YAML");
    }

    @Test
    void emptyFileAndMissingRequiredKeys() {
        assertThat(problems(""))
                .containsExactly(
                        "flows/x.yaml:1:1: the flow file is empty" + " (a flow needs at least 'name' and 'tasks')");
        assertThat(problems("description: d\n"))
                .containsExactly(
                        "flows/x.yaml:1:1: missing required key 'name' (add a line like 'name: my-flow')",
                        "flows/x.yaml:1:1: missing required key 'tasks' (add 'tasks:' with at least one task)");
        assertThat(problems("name: x\ntasks: {}\n"))
                .containsExactly("flows/x.yaml:2:8: tasks is empty (declare at least one task, e.g. 'hello: {run: echo"
                        + " hello}')");
    }

    @Test
    void badParamTypesAndDefaults() {
        assertThat(problems("""
                        name: x
                        params:
                          n: {type: integer, default: 3}
                          m: {type: int, default: 3.5}
                          flag: {type: bool, required: yes}
                        tasks: {a: {run: echo}}
                        """))
                .containsExactly(
                        "flows/x.yaml:3:13: unknown type 'integer' for param 'n' (did you mean 'int'?)",
                        "flows/x.yaml:4:27: param 'm' is int; '3.5' is not an int (fix the default or the type)",
                        "flows/x.yaml:5:32: required of param 'flag' must be true or false, got 'yes'"
                                + " (YAML 1.1 words such as yes, no, on and off are not booleans in Gyre)");
    }

    @Test
    void macrosAreCheckedWhereTheyAreWritten() {
        assertThat(problems("""
                        name: x
                        params:
                          name: world
                        tasks:
                          a:
                            run: |
                              echo start
                              echo "${params.nme}"
                          b:
                            command: [echo, "${RANDOM:x}"]
                          c:
                            run: echo
                            env: {OUT: "x ${DATE"}
                        """))
                .containsExactly(
                        "flows/x.yaml:8:13: unknown param 'nme' in ${params.nme} (run in task 'a')"
                                + " (did you mean 'name'?)",
                        "flows/x.yaml:10:22: malformed macro '${RANDOM:x}': use ${RANDOM:n} with n a whole number"
                                + " from 1 to 18 (command in task 'b')",
                        "flows/x.yaml:13:19: unterminated '${': close it with '}', or write '$${' for a literal '${'"
                                + " ('OUT' in env in task 'c')");
    }

    @Test
    void reservedAndInvalidEnvNames() {
        assertThat(problems("""
                        name: x
                        tasks:
                          a: {run: echo, env: {GYRE_ATTEMPT: "1", 1BAD: x}}
                        """))
                .containsExactly(
                        "flows/x.yaml:3:24: name 'GYRE_ATTEMPT' in env in task 'a' is reserved"
                                + " (names starting with GYRE_ are set by Gyre)",
                        "flows/x.yaml:3:43: invalid name '1BAD' in env in task 'a' (names become environment"
                                + " variables: use letters, digits and '_', not starting with a digit)");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> FlowLoader.parse("""
                        nmae: x
                        tasks:
                          a: {run: echo, needs: [zz], retries: -1}
                          b: {command: [], when: never}
                          c: {run: echo, needs: [d]}
                          d: {run: echo, needs: [c]}
                        """, "many.yaml"))
                .isInstanceOfSatisfying(InvalidFlowException.class, e -> {
                    assertThat(e.problems()).hasSize(7);
                    assertThat(e.problems()).extracting(Problem::line).isSorted();
                    assertThat(String.valueOf(e.getMessage()).lines()).hasSize(7);
                });
    }
}
