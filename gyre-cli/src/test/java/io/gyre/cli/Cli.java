package io.gyre.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Runs the gyre command line in this JVM and captures what it printed. */
record Cli(int exit, String out, String err) {
    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Cli(code, out.toString(), err.toString());
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** {@code gyre run FLOW --runs-dir RUNS --progress PROGRESS EXTRA...}. */
    static Cli runFlow(Path flow, Path runs, String progress, String... extra) {
        List<String> args =
                new ArrayList<>(List.of("run", flow.toString(), "--runs-dir", runs.toString(), "--progress", progress));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    /** {@code gyre status RUN_DIR --output json}, parsed; fails the test if the command fails. */
    static com.fasterxml.jackson.databind.JsonNode status(Path runDir) throws IOException {
        Cli s = run("status", runDir.toString(), "--output", "json");
        if (s.exit() != 0) {
            throw new AssertionError("gyre status failed: " + s.err());
        }
        return JSON.readTree(s.out());
    }

    /** One task's entry in a status document. */
    static com.fasterxml.jackson.databind.JsonNode task(com.fasterxml.jackson.databind.JsonNode status, String id) {
        for (com.fasterxml.jackson.databind.JsonNode t : status.get("tasks")) {
            if (t.get("id").asText().equals(id)) {
                return t;
            }
        }
        throw new AssertionError("no task " + id + " in " + status);
    }

    /** The run directory printed as the last line of {@code gyre run}. */
    Path runDir() {
        String[] lines = out.strip().split("\n");
        return Path.of(lines[lines.length - 1].strip());
    }

    static Path write(Path dir, String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    static List<Path> children(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.toList());
        }
    }
}
