package io.gyre.core;

import io.gyre.api.GyreException;
import io.gyre.api.Sweep;
import io.gyre.api.SweepPoint;
import io.gyre.api.TaskId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Expands a {@link Matrix} into numbered task instances, iteratively and without building the product in memory.
 *
 * <p>An odometer walks the product (last axis fastest) holding only the current point's values; {@link #count}
 * walks it once to count the points the exclusions keep (which fixes the numbering width), {@link #expand} walks it
 * again and emits each instance. A point's values are one small immutable list whose strings are shared with the
 * matrix, and every instance references one shared {@link Sweep}, so a 1,000,000-instance sweep costs a few
 * hundred bytes per instance (id, point, hash). Numbering is stable: the same matrix always yields the same ids,
 * hashes and seeds.
 */
final class SweepExpander {
    /** The most instances one task may expand to. */
    static final long MAX_INSTANCES = 10_000_000;

    private SweepExpander() {}

    /** What {@link #count} found. */
    record Count(long points, long instances, BitSet unusedExclusions) {}

    /** The instances of one swept task, in order. */
    record Expansion(Sweep sweep, TaskId[] ids, SweepPoint[] points) {}

    /** Counts the points (product minus exclusions plus inclusions) and finds exclusions that match nothing. */
    static Count count(Matrix m) {
        BitSet used = new BitSet(m.exclude().size());
        long kept = 0;
        Odometer o = new Odometer(m);
        long product = m.productSize();
        if (product == Long.MAX_VALUE || product > MAX_INSTANCES) {
            return new Count(product, product, new BitSet()); // too large to walk; the caller reports it
        }
        for (long p = 0; p < product; p++) {
            if (!excluded(m, o.values, used)) {
                kept++;
            }
            o.advance();
        }
        BitSet unused = new BitSet(m.exclude().size());
        for (int e = 0; e < m.exclude().size(); e++) {
            unused.set(e, !used.get(e));
        }
        long points = kept + m.include().size();
        return new Count(points, points * Math.max(1, m.replicas()), unused);
    }

    /** Expands {@code task}'s matrix; {@code count} is {@link #count}'s result for the same matrix. */
    static Expansion expand(TaskId task, Matrix m, Count count) {
        if (count.instances() > MAX_INSTANCES) {
            throw new GyreException("the matrix of task '" + task + "' has too many instances: " + count.instances());
        }
        int total = (int) count.instances();
        Sweep sweep = new Sweep(task, m.keys(), (int) count.points(), m.replicas(), m.args());
        Emitter out = new Emitter(task, sweep, m, total);
        Odometer o = new Odometer(m);
        long product = m.productSize();
        BitSet ignored = new BitSet();
        for (long p = 0; p < product; p++) {
            if (!excluded(m, o.values, ignored)) {
                out.point(List.of(o.values));
            }
            o.advance();
        }
        for (String[] point : m.include()) {
            out.point(List.of(point));
        }
        return new Expansion(sweep, out.ids, out.points);
    }

    /** The instance id {@code task[0042]}: zero-padded to at least 4 digits, or to the digits of the total. */
    static TaskId instanceId(TaskId task, long number, long total) {
        String digits = Long.toString(number);
        int width = Math.max(4, Long.toString(total).length());
        StringBuilder id = new StringBuilder(task.value().length() + width + 2)
                .append(task.value())
                .append('[');
        for (int i = digits.length(); i < width; i++) {
            id.append('0');
        }
        return TaskId.of(id.append(digits).append(']').toString());
    }

    private static boolean excluded(Matrix m, String[] values, BitSet used) {
        boolean excluded = false;
        for (int e = 0; e < m.exclude().size(); e++) {
            if (m.exclude().get(e).matches(values)) {
                used.set(e);
                excluded = true;
            }
        }
        return excluded;
    }

    /** The current point of the product; {@link #advance} moves to the next one (last axis fastest). */
    private static final class Odometer {
        final List<Matrix.Axis> axes;
        final int[] position;
        final String[] values;

        Odometer(Matrix m) {
            this.axes = m.axes();
            this.position = new int[axes.size()];
            this.values = new String[m.keys().size()];
            for (int a = 0; a < axes.size(); a++) {
                set(a);
            }
        }

        void advance() {
            for (int a = axes.size() - 1; a >= 0; a--) {
                if (++position[a] < axes.get(a).rows.length) {
                    set(a);
                    return;
                }
                position[a] = 0;
                set(a);
            }
        }

        private void set(int a) {
            Matrix.Axis axis = axes.get(a);
            String[] row = axis.rows[position[a]];
            for (int k = 0; k < axis.keys.length; k++) {
                values[axis.keys[k]] = row[k];
            }
        }
    }

    /** Numbers, hashes and seeds instances as points arrive. */
    private static final class Emitter {
        final TaskId task;
        final Sweep sweep;
        final int replicas;
        final int total;
        final int[] sortedKeys;
        final TaskId[] ids;
        final SweepPoint[] points;
        final MessageDigest sha256;
        final StringBuilder canonical = new StringBuilder();
        final Set<Long> seeds = new HashSet<>();
        int next;

        Emitter(TaskId task, Sweep sweep, Matrix m, int total) {
            this.task = task;
            this.sweep = sweep;
            this.replicas = m.replicas();
            this.total = total;
            List<String> keys = m.keys();
            this.sortedKeys = java.util.stream.IntStream.range(0, keys.size())
                    .boxed()
                    .sorted((a, b) -> keys.get(a).compareTo(keys.get(b)))
                    .mapToInt(Integer::intValue)
                    .toArray();
            this.ids = new TaskId[total];
            this.points = new SweepPoint[total];
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new GyreException("this JVM has no SHA-256: " + e.getMessage(), e);
            }
        }

        void point(List<String> values) {
            canonical.setLength(0);
            for (int k : sortedKeys) {
                canonical
                        .append(sweep.keys().get(k))
                        .append('=')
                        .append(values.get(k))
                        .append('\n');
            }
            if (replicas == 0) {
                byte[] digest = sha256.digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
                emit(values, bits48(digest), 0, 0);
                return;
            }
            int length = canonical.length();
            seeds.clear();
            for (int r = 1; r <= replicas; r++) {
                canonical.setLength(length);
                canonical.append("REPLICA=").append(r).append('\n');
                byte[] digest = sha256.digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
                long seed = ((digest[6] & 0x7fL) << 24)
                        | ((digest[7] & 0xffL) << 16)
                        | ((digest[8] & 0xffL) << 8)
                        | (digest[9] & 0xffL);
                while (!seeds.add(seed)) { // distinct among the replicas of this point
                    seed = (seed + 1) & 0x7fffffffL;
                }
                emit(values, bits48(digest), r, seed);
            }
        }

        private void emit(List<String> values, long hash, int replica, long seed) {
            int number = next + 1;
            ids[next] = instanceId(task, number, total);
            points[next] = new SweepPoint(sweep, number, hash, values, replica, seed);
            next++;
        }

        /** The first 48 bits (12 hex digits), big-endian. */
        private static long bits48(byte[] digest) {
            long bits = 0;
            for (int i = 0; i < 6; i++) {
                bits = (bits << 8) | (digest[i] & 0xffL);
            }
            return bits;
        }
    }
}
