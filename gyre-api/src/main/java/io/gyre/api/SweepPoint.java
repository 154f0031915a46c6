package io.gyre.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One instance of a swept task: its place in the sweep and its parameter values. Instances are numbered from 1
 * in expansion order; the hash identifies the values (and replica) independently of that order, so an instance
 * of a changed sweep can be matched with one of an earlier run.
 *
 * @param sweep what all instances of the sweep share
 * @param number the instance number n of {@code task[n]}, from 1
 * @param hashBits the first 48 bits of SHA-256 over the sorted {@code key=value} lines (plus {@code REPLICA=r}
 *     when the sweep has replicas); {@link #hash()} renders them. Kept as a number so a million instances do not
 *     hold a million strings.
 * @param values the values of {@link Sweep#keys()}, in the same order; a list value reads {@code [a,b]}, a YAML
 *     null reads {@code null}
 * @param replica the replica, from 1; 0 when the sweep has no replicas
 * @param seed a seed from 0 to 2^31-1 derived from the hash, distinct among the replicas of a point; 0 when the
 *     sweep has no replicas
 */
public record SweepPoint(Sweep sweep, int number, long hashBits, List<String> values, int replica, long seed) {
    public SweepPoint {
        values = List.copyOf(values);
        if (values.size() != sweep.keys().size()) {
            throw new GyreException("a sweep point needs one value per key: " + sweep.keys() + ", got " + values);
        }
        if (hashBits < 0 || hashBits >= 1L << 48) {
            throw new GyreException("a sweep point hash has 48 bits, got " + hashBits);
        }
        if (number < 1) {
            throw new GyreException("sweep points are numbered from 1, not " + number);
        }
    }

    /** The stable hash of the point: 12 lowercase hex digits, e.g. {@code 3f9a0c1e22b7}. */
    public String hash() {
        String hex = Long.toHexString(hashBits);
        return "0".repeat(Math.max(0, 12 - hex.length())) + hex;
    }

    /** The values by key, in key order. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            map.put(sweep.keys().get(i), values.get(i));
        }
        return Collections.unmodifiableMap(map);
    }
}
