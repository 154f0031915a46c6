package io.gyre.results;

import io.gyre.api.TaskId;
import java.util.ArrayList;
import java.util.List;

/**
 * What one result file holds: a weight (for example the number of primaries simulated so far; 1 when the file
 * gives none) and one or more named arrays, in file order.
 */
public record SnapshotFile(double weight, List<NamedArray> arrays) {
    public SnapshotFile {
        arrays = List.copyOf(arrays);
    }

    /** The arrays as snapshots of {@code task} numbered {@code seq}, each with its own weight if it has one. */
    public List<Snapshot> snapshots(TaskId task, long seq) {
        List<Snapshot> out = new ArrayList<>(arrays.size());
        for (NamedArray a : arrays) {
            double w = Double.isNaN(a.weight()) ? weight : a.weight();
            out.add(new Snapshot(task, a.name(), seq, w, a.shape(), a.values(), a.unit(), a.axes()));
        }
        return out;
    }
}
