package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.Action;
import io.gyre.api.Backoff;
import io.gyre.api.Flow;
import io.gyre.api.ParamSpec;
import io.gyre.api.ParamType;
import io.gyre.api.ParamValue;
import io.gyre.api.QueueName;
import io.gyre.api.Resources;
import io.gyre.api.TaskId;
import io.gyre.api.TaskSpec;
import io.gyre.api.Trigger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowLoaderReadsEveryFieldTest {
    private static final String FULL = """
            name: full
            description: every field
            params:
              n: 3
              rate: 0.5
              verbose: true
              label: no
              quoted: "7"
              names: [a, b]
              mode: {type: string, default: fast, description: how}
              need_me: {type: int}
              maybe: {type: float, required: false}
            context:
              REGION: eu
              FLAG: on
            tasks:
              a:
                description: first
                run: |
                  echo "${params.n}"
                env: {DEBUG: no, VERSION: 1.0}
                timeout: 1h30m
                queue: gpu
                labels: {tier: "1", zone: on}
                resources: {cpu: 0.5, memory: 4GiB, gpu: 1}
              b:
                command: [python, train.py, --n, "${params.n}"]
                needs: a
                retries: 3
              c:
                run: echo c
                needs: [a, b]
                when: always
                retries: {max: 2, delay: 500ms, backoff: fixed, max-delay: 10s, jitter: 0.25}
            """;

    @Test
    void readsEveryField() {
        Flow flow = FlowLoader.parse(FULL, "full.yaml");

        assertThat(flow.name()).isEqualTo("full");
        assertThat(flow.description()).isEqualTo("every field");
        assertThat(flow.params())
                .containsExactly(
                        new ParamSpec("n", ParamType.INT, new ParamValue.Int(3), false, ""),
                        new ParamSpec("rate", ParamType.FLOAT, new ParamValue.Float(0.5), false, ""),
                        new ParamSpec("verbose", ParamType.BOOL, new ParamValue.Bool(true), false, ""),
                        new ParamSpec("label", ParamType.STRING, new ParamValue.Text("no"), false, ""),
                        new ParamSpec("quoted", ParamType.STRING, new ParamValue.Text("7"), false, ""),
                        new ParamSpec("names", ParamType.LIST, new ParamValue.Items(List.of("a", "b")), false, ""),
                        new ParamSpec("mode", ParamType.STRING, new ParamValue.Text("fast"), false, "how"),
                        new ParamSpec("need_me", ParamType.INT, null, true, ""),
                        new ParamSpec("maybe", ParamType.FLOAT, null, false, ""));
        assertThat(flow.context()).containsExactly(Map.entry("REGION", "eu"), Map.entry("FLAG", "on"));

        TaskSpec a = flow.tasks().get(0);
        assertThat(a.id()).isEqualTo(TaskId.of("a"));
        assertThat(a.description()).isEqualTo("first");
        assertThat(a.action()).isEqualTo(new Action.Shell("echo \"${params.n}\"\n"));
        assertThat(a.env()).containsExactly(Map.entry("DEBUG", "no"), Map.entry("VERSION", "1.0"));
        assertThat(a.timeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(a.queue()).isEqualTo(QueueName.of("gpu"));
        assertThat(a.labels()).containsExactly(Map.entry("tier", "1"), Map.entry("zone", "on"));
        assertThat(a.resources()).isEqualTo(new Resources(0.5, 4L << 30, 1));
        assertThat(a.needs()).isEmpty();
        assertThat(a.when()).isEqualTo(Trigger.SUCCESS);

        TaskSpec b = flow.tasks().get(1);
        assertThat(b.action()).isEqualTo(new Action.Command(List.of("python", "train.py", "--n", "${params.n}")));
        assertThat(b.needs()).containsExactly(TaskId.of("a"));
        assertThat(b.retry().maxRetries()).isEqualTo(3);
        assertThat(b.retry().backoff())
                .isEqualTo(new Backoff(Backoff.Kind.EXPONENTIAL, Duration.ofSeconds(1), Duration.ofMinutes(5), 0));
        assertThat(b.queue()).isEqualTo(TaskSpec.DEFAULT_QUEUE);
        assertThat(b.timeout()).isNull();
        assertThat(b.resources()).isEqualTo(Resources.DEFAULT);

        TaskSpec c = flow.tasks().get(2);
        assertThat(c.needs()).containsExactly(TaskId.of("a"), TaskId.of("b"));
        assertThat(c.when()).isEqualTo(Trigger.ALWAYS);
        assertThat(c.retry().maxRetries()).isEqualTo(2);
        assertThat(c.retry().backoff())
                .isEqualTo(new Backoff(Backoff.Kind.FIXED, Duration.ofMillis(500), Duration.ofSeconds(10), 0.25));
    }

    @Test
    void yaml11TrapsStayTextInTextFields() {
        Flow flow = FlowLoader.parse("""
                name: "no"
                description: on
                context: {A: no, B: on, C: 1.0, D: yes, E: 010, F: 0x1F, G: ~}
                tasks:
                  t:
                    command: [echo, no, on, 1.0, off, 1e3]
                    queue: off
                """, "traps.yaml");
        assertThat(flow.name()).isEqualTo("no");
        assertThat(flow.description()).isEqualTo("on");
        assertThat(flow.context())
                .containsExactly(
                        Map.entry("A", "no"),
                        Map.entry("B", "on"),
                        Map.entry("C", "1.0"),
                        Map.entry("D", "yes"),
                        Map.entry("E", "010"),
                        Map.entry("F", "0x1F"),
                        Map.entry("G", ""));
        assertThat(flow.tasks().get(0).action())
                .isEqualTo(new Action.Command(List.of("echo", "no", "on", "1.0", "off", "1e3")));
        assertThat(flow.tasks().get(0).queue()).isEqualTo(QueueName.of("off"));
    }

    @Test
    void durationsAndMemorySizes() {
        assertThat(Quantities.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Quantities.duration("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Quantities.duration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Quantities.duration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Quantities.duration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Quantities.duration("1.5")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Quantities.memory("4GiB")).isEqualTo(4L << 30);
        assertThat(Quantities.memory("512M")).isEqualTo(512L << 20);
        assertThat(Quantities.memory("2KB")).isEqualTo(2048);
        assertThat(Quantities.memory("1T")).isEqualTo(1L << 40);
        assertThat(Quantities.memory("1000")).isEqualTo(1000);
    }

    @Test
    void singleNeedAndBareParamDeclaredRequired() {
        Flow flow = FlowLoader.parse("""
                name: x
                params:
                  who:
                tasks:
                  a: {run: "echo ${params.who}"}
                  b: {run: echo b, needs: a}
                """, "x.yaml");
        assertThat(flow.params()).containsExactly(new ParamSpec("who", ParamType.STRING, null, true, ""));
        assertThat(flow.tasks().get(1).needs()).containsExactly(TaskId.of("a"));
    }
}
