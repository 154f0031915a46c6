package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.Flow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ExampleFlowsLoadTest {
    private static Path examples() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("examples"))) {
                return dir.resolve("examples");
            }
        }
        throw new AssertionError("no examples/ directory above " + Path.of("").toAbsolutePath());
    }

    @Test
    void everyExampleLoadsWithoutProblems() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(examples())) {
            files = listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .contains("hello.yaml", "diamond.yaml", "retry.yaml", "context.yaml", "params.yaml");
        for (Path file : files) {
            Flow flow = FlowLoader.load(file);
            assertThat(flow.tasks()).as(file.toString()).isNotEmpty();
            assertThat(Cycles.find(flow.tasks())).as(file.toString()).isEmpty();
        }
    }

    @Test
    void diamondHasItsShape() {
        Flow flow = FlowLoader.load(examples().resolve("diamond.yaml"));
        assertThat(flow.tasks().get(3).needs()).extracting(id -> id.value()).containsExactly("b", "c");
    }
}
