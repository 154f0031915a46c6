package io.gyre.core;

import io.gyre.api.Sweep;
import io.gyre.api.SweepPoint;
import io.gyre.api.TaskId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How one swept task of a run is doing: {@code complete} (every instance succeeded), {@code incomplete} (some
 * instance has not finished: pending, running, cancelled), {@code failed} (all finished, none succeeded) or
 * {@code partial} (all finished, some succeeded). Failed instances are grouped by their error: the failure
 * message and the last line of stderr, with every run of digits replaced by {@code #}, so "lr 0.5 diverged at step
 * 1200" and "lr 0.1 diverged at step 87" land in one group.
 *
 * @param failures groups of failed instances, largest first
 * @param from for a dynamic sweep, the tasks whose lists give its values (comma-separated); empty for a static one
 * @param expanded false for a dynamic sweep not expanded yet (waiting for its sources, or its lists were wrong:
 *     then {@code failures} holds the reason); true otherwise
 */
public record SweepStatus(
        String task,
        String state,
        int points,
        int replicas,
        int tasks,
        Map<String, Integer> countsByState,
        List<FailureGroup> failures,
        String from,
        boolean expanded) {
    /** Instances at most listed per failure group. */
    static final int LISTED = 5;

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Set<String> UNFINISHED = Set.of("pending", "ready", "running", "retry_wait", "cancelled");
    private static final int EXCERPT = 200;

    public SweepStatus {
        countsByState = new TreeMap<>(countsByState);
        failures = List.copyOf(failures);
    }

    /**
     * Failed instances sharing an error pattern.
     *
     * @param example the error of the first instance in the group, as it was
     * @param tasks the first {@value #LISTED} instances of the group
     */
    public record FailureGroup(String pattern, String example, int count, List<String> tasks) {
        public FailureGroup {
            tasks = List.copyOf(tasks);
        }
    }

    /**
     * The sweeps of a plan, in plan order; {@code statuses} are the plan's task statuses in plan order and
     * {@code stderr} locates an instance's stderr log (which may not exist).
     */
    static List<SweepStatus> of(Plan plan, List<TaskStatus> statuses, Function<TaskId, Path> stderr) {
        Map<Sweep, List<Integer>> bySweep = new LinkedHashMap<>();
        for (int i = 0; i < plan.size(); i++) {
            SweepPoint p = plan.task(i).point();
            if (p != null) {
                bySweep.computeIfAbsent(p.sweep(), s -> new ArrayList<>()).add(i);
            }
        }
        List<SweepStatus> result = new ArrayList<>();
        bySweep.forEach((sweep, instances) -> result.add(
                summary(sweep, instances.stream().map(i -> statuses.get(i)).toList(), stderr, "")));
        return result;
    }

    /**
     * The summary of a dynamic sweep: {@code expansion} is empty while it is not expanded ({@code placeholder} then
     * says whether it waits or failed); {@code statuses} are its instances' statuses in instance order.
     */
    static SweepStatus dynamic(
            TaskStatus placeholder,
            String from,
            java.util.Optional<Sweep> expansion,
            List<TaskStatus> statuses,
            Function<TaskId, Path> stderr) {
        if (expansion.isPresent()) {
            return summary(expansion.get(), statuses, stderr, from);
        }
        List<FailureGroup> failures = new ArrayList<>();
        String state = "incomplete";
        if (placeholder.state().equals("failed") || placeholder.state().equals("skipped")) {
            state = "failed";
            String why = placeholder.failureMessage() == null ? placeholder.state() : placeholder.failureMessage();
            failures.add(new FailureGroup(why, why, 1, List.of(placeholder.id())));
        }
        return new SweepStatus(placeholder.id(), state, 0, 0, 0, Map.of(), failures, from, false);
    }

    private static SweepStatus summary(
            Sweep sweep, List<TaskStatus> instances, Function<TaskId, Path> stderr, String from) {
        {
            Map<String, Integer> counts = new TreeMap<>();
            Map<String, List<String>> groups = new LinkedHashMap<>();
            Map<String, String> examples = new LinkedHashMap<>();
            Map<String, Integer> sizes = new LinkedHashMap<>();
            for (TaskStatus s : instances) {
                counts.merge(s.state(), 1, Integer::sum);
                if (s.state().equals("failed")) {
                    String error = error(s, stderr.apply(TaskId.of(s.id())));
                    String pattern = DIGITS.matcher(error).replaceAll("#");
                    examples.putIfAbsent(pattern, error);
                    sizes.merge(pattern, 1, Integer::sum);
                    List<String> listed = groups.computeIfAbsent(pattern, k -> new ArrayList<>());
                    if (listed.size() < LISTED) {
                        listed.add(s.id());
                    }
                }
            }
            List<FailureGroup> failures = new ArrayList<>();
            groups.forEach((pattern, ids) -> failures.add(new FailureGroup(
                    pattern, examples.getOrDefault(pattern, pattern), sizes.getOrDefault(pattern, 0), ids)));
            failures.sort(Comparator.comparingInt(FailureGroup::count).reversed());
            return new SweepStatus(
                    sweep.task().value(),
                    state(counts, instances.size()),
                    sweep.points(),
                    sweep.replicas(),
                    instances.size(),
                    counts,
                    failures,
                    from,
                    true);
        }
    }

    static String state(Map<String, Integer> counts, int total) {
        int succeeded = counts.getOrDefault("succeeded", 0);
        if (succeeded == total) {
            return "complete";
        }
        if (counts.keySet().stream().anyMatch(UNFINISHED::contains)) {
            return "incomplete";
        }
        return succeeded == 0 ? "failed" : "partial";
    }

    /** The failure message, and the last line of stderr when there is one. */
    private static String error(TaskStatus s, Path stderr) {
        String message = s.failureMessage() == null ? "failed" : s.failureMessage();
        String last = lastLine(stderr);
        String error = last.isEmpty() ? message : message + ": " + last;
        return error.length() > EXCERPT ? error.substring(0, EXCERPT) + "..." : error;
    }

    /** The last non-blank line of a file, reading only its end; empty if there is none. */
    static String lastLine(Path file) {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            long size = ch.size();
            int n = (int) Math.min(size, 4096);
            ByteBuffer buffer = ByteBuffer.allocate(n);
            ch.position(size - n);
            while (buffer.hasRemaining() && ch.read(buffer) > 0) {
                // read the tail
            }
            String tail = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            String[] lines = tail.split("\r?\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (!lines[i].isBlank()) {
                    return lines[i].strip();
                }
            }
            return "";
        } catch (IOException e) {
            return "";
        }
    }
}
