package io.gyre.core;

import io.gyre.api.MergeOp;

/**
 * The merged view of one named result.
 *
 * @param stderr the standard error of each value for mean operations (NaN when fewer than two contributors),
 *     empty for the others
 * @param contributors how many tasks contributed
 * @param weight the total weight of their snapshots
 */
public record MergedResult(
        String name, MergeOp op, int[] shape, double[] values, double[] stderr, int contributors, double weight) {}
