package io.gyre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partial results end to end: real task processes write snapshots into $GYRE_RESULTS_DIR, Gyre stores them as
 * Parquet, merges them live and shows them with {@code gyre results}.
 */
class GyreResultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A shell line that publishes {@code json} atomically: write a hidden file, then rename it in. */
    private static String publish(String json) {
        return publish(json, "s.json");
    }

    /** The same under a file name of its own: two files are two snapshots, however fast they come. */
    private static String publish(String json, String file) {
        return "printf '%s' '" + json + "' > \"$GYRE_RESULTS_DIR/.s.tmp\" && mv \"$GYRE_RESULTS_DIR/.s.tmp\""
                + " \"$GYRE_RESULTS_DIR/" + file + "\"";
    }

    /** A task whose {@code run:} is a block (the scripts hold braces and quotes). */
    private static String task(String name, String script) {
        return "  " + name + ":\n    run: |\n"
                + script.lines().map(l -> "      " + l + "\n").reduce("", String::concat);
    }

    private Cli run(String yaml, String... extra) throws Exception {
        Path flow = Cli.write(tmp, "flow.yaml", yaml);
        return Cli.runFlow(flow, tmp.resolve("runs"), "none", extra);
    }

    private static JsonNode results(Path runDir, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("results", runDir.toString(), "--output", "json"));
        args.addAll(List.of(extra));
        Cli r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        return JSON.readTree(r.out()).get("results");
    }

    private static List<JsonNode> events(Path runDir, String kind) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(runDir.resolve("events.jsonl"))) {
            JsonNode e = JSON.readTree(line);
            if (e.get("kind").asText().equals(kind)) {
                out.add(e);
            }
        }
        return out;
    }

    private static double[] doubles(JsonNode array) {
        double[] d = new double[array.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = array.get(i).asDouble();
        }
        return d;
    }

    @Test
    void pagesFromThreeTasksMergeToTheirMeanWithStandardErrorAndCounts() throws Exception {
        Cli r = run("""
                name: pages
                merge:
                  page: {op: mean}
                tasks:
                """ + task("a", publish("{\"results\": {\"page\": {\"values\": [1, 2]}}}"))
                + task("b", publish("{\"results\": {\"page\": {\"values\": [3, 4]}}}"))
                + task("c", publish("{\"results\": {\"page\": {\"values\": [5, 6]}}}")));
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode page = results(r.runDir()).get("page");
        assertThat(doubles(page.get("values"))).containsExactly(3, 4);
        assertThat(doubles(page.get("shape"))).containsExactly(2);
        // sample standard deviation of (1, 3, 5) is 2; the standard error of the mean is 2 / sqrt(3)
        assertThat(doubles(page.get("stderr"))[0])
                .isCloseTo(2 / Math.sqrt(3), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(page.get("contributors").asInt()).isEqualTo(3);
        assertThat(page.get("op").asText()).isEqualTo("mean");
        // each snapshot is announced and stored as Parquet in the run directory
        List<JsonNode> published = events(r.runDir(), "partial_result");
        assertThat(published).hasSize(3);
        JsonNode first = published.getFirst();
        assertThat(first.get("data").get("name").asText()).isEqualTo("page");
        assertThat(first.get("data").get("seq").asText()).isEqualTo("1");
        assertThat(first.get("data").get("weight").asText()).isEqualTo("1");
        assertThat(Long.parseLong(first.get("data").get("bytes").asText())).isPositive();
        assertThat(r.runDir().resolve("results/merged/page.parquet")).isRegularFile();
        assertThat(Files.readString(r.runDir().resolve("results/summary.txt"))).contains("page", "mean of 3 tasks");
        assertThat(r.runDir().resolve("tasks/a/results")).isEmptyDirectory();
    }

    @Test
    void snapshotWeightsWeighTheMeanByDefault() throws Exception {
        Cli r = run("""
                name: weights
                tasks:
                """ + task("a", publish("{\"weight\": 100, \"results\": {\"x\": {\"values\": [1]}}}"))
                + task("b", publish("{\"weight\": 300, \"results\": {\"x\": {\"values\": [5]}}}")));
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode x = results(r.runDir()).get("x");
        assertThat(x.get("values").get(0).asDouble()).isEqualTo(4.0);
        assertThat(x.get("weight").asDouble()).isEqualTo(400.0);
        assertThat(x.get("op").asText()).isEqualTo("weighted-mean");
    }

    @Test
    void aNewerSnapshotReplacesTheTasksOlderOneAndAFailedReplicaIsExcluded() throws Exception {
        Cli r = run("""
                name: replace
                tasks:
                """
                + task(
                        "grows",
                        publish("{\"weight\": 10, \"results\": {\"x\": {\"values\": [100]}}}", "s1.json")
                                + "\n"
                                + publish("{\"weight\": 30, \"results\": {\"x\": {\"values\": [2]}}}", "s2.json"))
                + task("fails", publish("{\"weight\": 50, \"results\": {\"x\": {\"values\": [1000]}}}") + "\nexit 3")
                + task("steady", publish("{\"weight\": 10, \"results\": {\"x\": {\"values\": [6]}}}")));
        assertThat(r.exit()).isEqualTo(1);
        JsonNode x = results(r.runDir()).get("x");
        // grows' second snapshot (2 at weight 30) replaced its first; fails is excluded: (2*30 + 6*10) / 40 = 3
        assertThat(x.get("values").get(0).asDouble()).isEqualTo(3.0);
        assertThat(x.get("contributors").asInt()).isEqualTo(2);
        assertThat(x.get("weight").asDouble()).isEqualTo(40.0);
        // the task's own newest snapshot stays readable
        JsonNode own = results(r.runDir(), "--task", "grows").get("x");
        assertThat(own.get("values").get(0).asDouble()).isEqualTo(2.0);
        assertThat(own.get("weight").asDouble()).isEqualTo(30.0);
        assertThat(events(r.runDir(), "partial_result").stream()
                        .filter(e -> e.get("task").asText().equals("grows"))
                        .map(e -> e.get("data").get("seq").asText()))
                .containsExactly("1", "2");
    }

    @Test
    void anUnreadableFileIsKeptAndReportedAndTheRunGoesOn() throws Exception {
        Cli r = run("""
                name: bad
                tasks:
                  t:
                    run: |
                      printf '{"results": {"x": {"values": [1, "two"]}}}' > "$GYRE_RESULTS_DIR/.b.tmp"
                      mv "$GYRE_RESULTS_DIR/.b.tmp" "$GYRE_RESULTS_DIR/bad.json"
                """);
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> rejected = events(r.runDir(), "partial_result_rejected");
        assertThat(rejected).hasSize(1);
        assertThat(rejected.getFirst().get("data").get("file").asText()).isEqualTo("bad.json");
        assertThat(rejected.getFirst().get("data").get("message").asText()).contains("bad.json");
        assertThat(r.runDir().resolve("tasks/t/results/bad.json.rejected")).isRegularFile();
        Cli none = Cli.run("results", r.runDir().toString());
        assertThat(none.exit()).isZero();
        assertThat(none.out()).contains("no results yet");
    }

    @Test
    void mergeOpsFromTheFlowAndCsvAndParquetOutput() throws Exception {
        Cli r = run("""
                name: ops
                merge:
                  hits: sum
                  "peak*": {op: max}
                tasks:
                """
                + task("a", publish("{\"results\": {\"hits\": {\"values\": [1, 2]}, \"peak-1\": {\"values\": [7]}}}"))
                + task(
                        "b",
                        publish("{\"results\": {\"hits\": {\"values\": [10, 20]}, \"peak-1\": {\"values\": [3]}}}")));
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode all = results(r.runDir());
        assertThat(doubles(all.get("hits").get("values"))).containsExactly(11, 22);
        assertThat(doubles(all.get("peak-1").get("values"))).containsExactly(7);
        Cli csv = Cli.run("results", r.runDir().toString(), "--output", "csv", "--name", "hits");
        assertThat(csv.exit()).as(csv.err()).isZero();
        assertThat(csv.out()).isEqualTo("name,index,coordinate,value,stderr\nhits,0,,11.0,\nhits,1,,22.0,\n");
        Path out = tmp.resolve("hits.parquet");
        Cli pq = Cli.run(
                "results", r.runDir().toString(), "--output", "parquet", "--name", "hits", "--to", out.toString());
        assertThat(pq.exit()).as(pq.err()).isZero();
        assertThat(io.gyre.results.SnapshotParquet.readMerged(Files.readAllBytes(out), out.toString())
                        .values())
                .containsExactly(11, 22);
    }

    @Test
    void resultsCommandErrorsAreClear() throws Exception {
        Cli r = run("name: e\ntasks:\n" + task("a", publish("{\"results\": {\"x\": {\"values\": [1]}}}")));
        String dir = r.runDir().toString();
        Cli unknown = Cli.run("results", dir, "--name", "y");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("no result named 'y' in " + dir + " (it has: x)");
        Cli format = Cli.run("results", dir, "--output", "xml");
        assertThat(format.exit()).isEqualTo(2);
        assertThat(format.err()).contains("--output 'xml' is not one of text, json, csv, parquet");
        Cli parquet = Cli.run("results", dir, "--output", "parquet");
        assertThat(parquet.exit()).isEqualTo(2);
        assertThat(parquet.err()).contains("Parquet is binary: give --to FILE");
        Cli task = Cli.run("results", dir, "--task", "nope");
        assertThat(task.exit()).isEqualTo(2);
        assertThat(task.err()).contains("task 'nope' has not run in " + dir);
        Cli missing = Cli.run(
                "results",
                "20990101-000000-000-abcdef",
                "--runs-dir",
                tmp.resolve("runs").toString(),
                "--data-dir",
                tmp.resolve("data").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err())
                .contains("no run directory for run 20990101-000000-000-abcdef: looked in "
                        + tmp.resolve("runs").resolve("20990101-000000-000-abcdef"))
                .contains("pass the run directory itself");
    }

    @Test
    void aRunIdIsFoundInTheRunsDirectoryThenInTheDataDirectory() throws Exception {
        Cli r = run("name: i\ntasks:\n" + task("a", publish("{\"results\": {\"x\": {\"values\": [4]}}}")));
        assertThat(r.exit()).as(r.err()).isZero();
        String id = r.runDir().getFileName().toString();
        Cli local = Cli.run("results", id, "--runs-dir", tmp.resolve("runs").toString(), "--output", "json");
        assertThat(local.exit()).as(local.err()).isZero();
        assertThat(doubles(JSON.readTree(local.out()).get("results").get("x").get("values")))
                .containsExactly(4);
        // Distributed mode keeps run directories under DATA_DIR/runs/.
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        Files.move(tmp.resolve("runs"), data.resolve("runs"));
        Cli shared = Cli.run("results", id, "--data-dir", data.toString(), "--output", "json");
        assertThat(shared.exit()).as(shared.err()).isZero();
        assertThat(doubles(JSON.readTree(shared.out()).get("results").get("x").get("values")))
                .containsExactly(4);
    }

    @Test
    void resultPutPublishesValuesAndFilesAndExplainsMistakes() throws Exception {
        Path inbox = tmp.resolve("inbox");
        Cli ok = Cli.run(
                "result",
                "put",
                "dose",
                "--weight",
                "250",
                "--values",
                "1,2.5,3",
                "--unit",
                "Gy",
                "--results-dir",
                inbox.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        List<Path> files;
        try (Stream<Path> s = Files.list(inbox)) {
            files = s.toList();
        }
        assertThat(files).hasSize(1);
        assertThat(files.getFirst().getFileName().toString())
                .startsWith("dose.")
                .endsWith(".parquet");
        io.gyre.results.SnapshotFile read = io.gyre.results.SnapshotFiles.read(files.getFirst());
        assertThat(read.weight()).isEqualTo(250.0);
        assertThat(read.arrays().getFirst().name()).isEqualTo("dose");
        assertThat(read.arrays().getFirst().values()).containsExactly(1, 2.5, 3);
        assertThat(read.arrays().getFirst().unit()).isEqualTo("Gy");

        Cli bad = Cli.run("result", "put", "dose", "--values", "1,x", "--results-dir", inbox.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--values item 2 'x' is not a number");
        Cli both = Cli.run("result", "put", "dose", "--results-dir", inbox.toString());
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("give the values with --values v1,v2,... or a file with --file FILE");
        Path two = Cli.write(tmp, "two.csv", "a,b\n1,2\n");
        Cli many = Cli.run("result", "put", "dose", "--file", two.toString(), "--results-dir", inbox.toString());
        assertThat(many.exit()).isEqualTo(2);
        assertThat(many.err()).contains("holds 2 arrays [a, b]");
    }

    @Test
    void resumeKeepsTheSucceededTasksResultsAndMergesTheRerunsNewOnes() throws Exception {
        Path marker = tmp.resolve("second-time");
        Cli first = run("""
                name: resume
                tasks:
                """ + task("ok", publish("{\"weight\": 1, \"results\": {\"x\": {\"values\": [2]}}}"))
                + task(
                        "flaky",
                        "if [ -e " + marker + " ]; then "
                                + publish("{\"weight\": 3, \"results\": {\"x\": {\"values\": [6]}}}")
                                + "; else exit 1; fi"));
        assertThat(first.exit()).isEqualTo(1);
        assertThat(results(first.runDir()).get("x").get("values").get(0).asDouble())
                .isEqualTo(2.0);
        Files.createFile(marker);
        Cli again = Cli.run("run", "--resume", first.runDir().toString(), "--progress", "none");
        assertThat(again.exit()).as(again.err()).isZero();
        JsonNode x = results(first.runDir()).get("x");
        assertThat(x.get("values").get(0).asDouble()).isEqualTo(5.0); // (2*1 + 6*3) / 4
        assertThat(x.get("contributors").asInt()).isEqualTo(2);
    }

    @Test
    void aFailedAttemptThatIsRetriedNoLongerContributes() throws Exception {
        Path marker = tmp.resolve("tried");
        Cli r = run("name: retried\ntasks:\n"
                + task("steady", publish("{\"weight\": 1, \"results\": {\"x\": {\"values\": [6]}}}"))
                + "  flaky:\n    retries: 1\n    run: |\n"
                + "      if [ ! -e " + marker + " ]; then touch " + marker + "; "
                + publish("{\"weight\": 9, \"results\": {\"x\": {\"values\": [1000]}}}") + "; exit 1; fi\n");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode x = results(r.runDir()).get("x");
        // the first attempt of flaky published 1000 and failed; its retry succeeded without publishing
        assertThat(x.get("values").get(0).asDouble()).isEqualTo(6.0);
        assertThat(x.get("contributors").asInt()).isEqualTo(1);
    }
}
