package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.ParamValue;
import io.gyre.api.RunId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MacrosTest {
    private static final String PAYLOAD = "'; rm -rf ~; '";

    private static MacroScope scope(Map<String, ParamValue> params, Map<String, String> context) {
        return new MacroScope(
                RunId.of("r-1"),
                Instant.parse("2026-03-04T05:06:07.890Z"),
                new SplittableRandom(42),
                params,
                context,
                Map.of("HOME_DIR", "/home/u"));
    }

    private static final MacroScope SCOPE = scope(
            Map.of("x", new ParamValue.Int(7), "names", new ParamValue.Items(List.of("a", "b"))), Map.of("K", "v"));

    @Test
    void eachMacroExpands() {
        assertThat(Macros.expand("${DATE} ${TIME} ${DATETIME}", SCOPE))
                .isEqualTo("2026-03-04 05:06:07 2026-03-04T05:06:07");
        assertThat(Macros.expand("run=${RUN_ID}", SCOPE)).isEqualTo("run=r-1");
        assertThat(Macros.expand("${params.x}/${params.names}", SCOPE)).isEqualTo("7/a,b");
        assertThat(Macros.expand("${ctx.K}-${env.HOME_DIR}", SCOPE)).isEqualTo("v-/home/u");
    }

    @Test
    void randomDrawsTheAskedNumberOfDigitsFromTheGivenGenerator() {
        String first = Macros.expand("${RANDOM:18}", SCOPE);
        assertThat(first).matches("[0-9]{18}");
        assertThat(Macros.expand("${RANDOM:1}", SCOPE)).matches("[0-9]");
        // same seed, same digits: reproducible runs
        assertThat(Macros.expand("${RANDOM:18}", scope(Map.of(), Map.of()))).isEqualTo(first);
    }

    @Test
    void escapesAndForeignBracesStayLiteral() {
        assertThat(Macros.expand("$${DATE} costs $5 ${HOME} ${x:-${params.x}}", SCOPE))
                .isEqualTo("${DATE} costs $5 ${HOME} ${x:-7}");
        assertThat(Macros.references("$${params.nope} ${params.x} ${RANDOM:3}"))
                .containsExactly("params.x", "RANDOM:3");
    }

    @Test
    void malformedMacrosAreRejected() {
        assertThatThrownBy(() -> Macros.expand("a ${RANDOM:x}", SCOPE))
                .isInstanceOf(MacroException.class)
                .hasMessageContaining("${RANDOM:x}")
                .extracting(e -> ((MacroException) e).offset())
                .isEqualTo(2);
        assertThatThrownBy(() -> Macros.expand("${RANDOM:19}", SCOPE)).isInstanceOf(MacroException.class);
        assertThatThrownBy(() -> Macros.expand("${RANDOM:0}", SCOPE)).isInstanceOf(MacroException.class);
        assertThatThrownBy(() -> Macros.expand("x ${DATE", SCOPE))
                .isInstanceOf(MacroException.class)
                .hasMessageContaining("unterminated");
        assertThatThrownBy(() -> Macros.expand("${param.x}", SCOPE))
                .isInstanceOf(MacroException.class)
                .hasMessageContaining("did you mean '${params.x}'?");
    }

    @Test
    void unknownContextKeyFailsClearlyAtExpansion() {
        assertThatThrownBy(() -> Macros.expand("${ctx.k}", SCOPE))
                .isInstanceOf(MacroException.class)
                .hasMessage("cannot resolve ${ctx.k}: the run's context has no key 'k' (did you mean 'K'?)");
    }

    @Test
    void runContextPrecedence() {
        Map<String, String> context = Macros.runContext(
                Map.of("A", new ParamValue.Int(1), "B", new ParamValue.Int(2), "C", new ParamValue.Int(3)),
                Map.of("B", "flow", "C", "flow"),
                Map.of("C", "set"));
        assertThat(context).containsEntry("A", "1").containsEntry("B", "flow").containsEntry("C", "set");
    }

    @Test
    void flowContextSeesParamsAndEarlierEntries() {
        Map<String, String> expanded = Macros.expandContext(
                new java.util.LinkedHashMap<>(Map.of("OUT", "/data/${DATE}")), scope(Map.of(), Map.of()));
        java.util.LinkedHashMap<String, String> flowContext = new java.util.LinkedHashMap<>();
        flowContext.put("BASE", "/data/${params.x}");
        flowContext.put("OUT", "${ctx.BASE}/out");
        assertThat(Macros.expandContext(flowContext, SCOPE))
                .containsExactly(Map.entry("BASE", "/data/7"), Map.entry("OUT", "/data/7/out"));
        assertThat(expanded).containsExactly(Map.entry("OUT", "/data/2026-03-04"));
    }

    @Test
    void scriptMacrosBecomeVariableReferencesAndValuesOnlyData() {
        MacroScope hostile = scope(Map.of("msg", new ParamValue.Text(PAYLOAD)), Map.of());
        ShellScript script = Macros.expandScript("echo \"${params.msg}\" ${RUN_ID}", hostile);
        assertThat(script.script()).isEqualTo("echo \"${GYRE_M_1}\" ${GYRE_M_2}");
        assertThat(script.script()).doesNotContain("rm");
        assertThat(script.env()).containsExactly(Map.entry("GYRE_M_1", PAYLOAD), Map.entry("GYRE_M_2", "r-1"));
    }

    @Test
    void hostileParamRunThroughBashIsEchoedNotExecuted(@TempDir Path dir) throws IOException, InterruptedException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path canary = Files.writeString(home.resolve("canary"), "alive");
        Path work = Files.createDirectories(dir.resolve("work"));
        // an unquoted and a quoted use; the value also tries to create a file
        String value = PAYLOAD + " touch pwned; '";
        MacroScope hostile = scope(Map.of("msg", new ParamValue.Text(value)), Map.of());
        ShellScript script = Macros.expandScript("echo ${params.msg}\necho \"${params.msg}\"\n", hostile);

        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script.script()).directory(work.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().put("HOME", home.toString());
        pb.environment().putAll(script.env());
        pb.redirectErrorStream(true);
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isZero();
        assertThat(output).isEqualTo(value + "\n" + value + "\n");
        assertThat(canary).hasContent("alive");
        try (var files = Files.list(work)) {
            assertThat(files).isEmpty();
        }
        try (var files = Files.list(home)) {
            assertThat(files).containsExactly(canary);
        }
    }
}
