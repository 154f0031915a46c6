package io.gyre.api;

import java.util.List;

/**
 * The matrix of a dynamic sweep: a swept task some of whose keys take their values from JSON lists that upstream
 * tasks write, so its points are known only at run time. Until then the task is one node of the plan (needing
 * every source task); when it becomes ready the engine reads the lists, adds one task instance per point
 * ({@code task[0001]}, ...) to the run and ends the task when every instance has ended.
 *
 * <p>The flow loader of {@code gyre-core} creates the implementations and knows how to expand them; this
 * interface is what the rest of the model needs to see: where the values come from.
 */
public interface FanOut {
    /** The dynamic keys and where their values come from, in the matrix's key order. */
    List<Source> sources();

    /** The number of points the matrix's static keys contribute (1 when there are none), before replicas. */
    long staticPoints();

    /** Copies of every point, or 0 when the matrix declares no {@code replicas}. */
    int replicas();

    /**
     * One dynamic key.
     *
     * @param key the matrix key; object items of the list make dotted keys under it ({@code input.path})
     * @param task the task whose working directory holds the list
     * @param file the list's path, relative to that directory
     */
    record Source(String key, TaskId task, String file) {}
}
