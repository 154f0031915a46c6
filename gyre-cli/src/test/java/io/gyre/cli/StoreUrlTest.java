package io.gyre.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.GyreException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreUrlTest {
    @Test
    void theFourFormsParse() {
        assertThat(StoreUrl.parse("memory")).isInstanceOf(StoreUrl.Memory.class);
        assertThat(StoreUrl.parse("EMBEDDED")).isInstanceOf(StoreUrl.Embedded.class);
        assertThat(StoreUrl.parse("redis://u:secret@h:6380/2"))
                .isInstanceOfSatisfying(
                        StoreUrl.Redis.class,
                        r -> assertThat(r.shown()).isEqualTo("redis://h:6380/2").doesNotContain("secret"));
        assertThat(StoreUrl.parse("rediss://h")).isInstanceOf(StoreUrl.Redis.class);
    }

    @Test
    void theOptionWinsOverGyreStoreWhichWinsOverEmbedded() {
        assertThat(StoreUrl.resolve("memory", Map.of("GYRE_STORE", "redis://h")))
                .isInstanceOf(StoreUrl.Memory.class);
        assertThat(StoreUrl.resolve(null, Map.of("GYRE_STORE", "redis://h"))).isInstanceOf(StoreUrl.Redis.class);
        assertThat(StoreUrl.resolve(null, Map.of())).isInstanceOf(StoreUrl.Embedded.class);
    }

    @Test
    void badUrlsSayWhatIsWrongAndWhatIsAccepted() {
        assertThatThrownBy(() -> StoreUrl.parse("mysql://db:3306"))
                .isInstanceOf(GyreException.class)
                .hasMessageContaining("'mysql:...' is not one Gyre knows")
                .hasMessageContaining("memory, embedded, redis://");
        assertThatThrownBy(() -> StoreUrl.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> StoreUrl.parse("redis://")).hasMessageContaining("is malformed");
        assertThatThrownBy(() -> StoreUrl.parse("redis://h:1/abc")).hasMessageContaining("database number");
        assertThatThrownBy(() -> StoreUrl.parse("redis://u:pw@h/x?y=1")).hasMessageNotContaining("pw");
        assertThatThrownBy(() -> StoreUrl.resolve(null, Map.of("GYRE_STORE", "postgres")))
                .hasMessageStartingWith("GYRE_STORE: ");
    }

    @Test
    void storeCommandsReportABadUrlWithExit2AndStartNothing() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("gyre-url");
        java.nio.file.Path flow = dir.resolve("f.yaml");
        java.nio.file.Files.writeString(flow, "name: f\ntasks:\n  a: {run: echo}\n");
        Cli submit = Cli.run("submit", flow.toString(), "--store", "mysql://x", "--data-dir", dir.toString());
        assertThat(submit.exit()).isEqualTo(2);
        assertThat(submit.err()).contains("is not one Gyre knows");
        assertThat(dir.resolve("runs")).doesNotExist();
        Cli status = Cli.run("status", "20260101-000000-000-abcdef", "--store", "redis://");
        assertThat(status.exit()).isEqualTo(2);
        assertThat(status.err()).contains("is malformed");
        Cli noServer =
                Cli.run("status", "20260101-000000-000-abcdef", "--store", "embedded", "--data-dir", dir.toString());
        assertThat(noServer.exit()).isEqualTo(2);
        assertThat(noServer.err()).contains("no gyre server with an embedded store is running");
        Cli memory = Cli.run("submit", flow.toString(), "--store", "memory", "--data-dir", dir.toString());
        assertThat(memory.exit()).isEqualTo(2);
        assertThat(memory.err()).contains("memory store lives inside one process");
        Cli invalid = Cli.run("submit", dir.resolve("missing.yaml").toString(), "--store", "redis://127.0.0.1:1");
        assertThat(invalid.exit()).isEqualTo(2);
    }

    @Test
    void everyNewCommandHasHelp() {
        for (String c : new String[] {"server", "orchestrator", "worker", "submit", "cancel", "pools"}) {
            Cli help = Cli.run(c, "--help");
            assertThat(help.exit()).as(c).isZero();
            assertThat(help.out()).as(c).contains("Usage: gyre " + c);
        }
    }
}
