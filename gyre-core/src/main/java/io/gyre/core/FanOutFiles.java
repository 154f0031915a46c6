package io.gyre.core;

import io.gyre.api.GyreException;
import io.gyre.api.TaskId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the engine reads a dynamic sweep's JSON lists and records their expansion, so that a resumed run sees
 * exactly the points of the first one even if the files changed since. The run directory keeps lists in
 * {@code tasks/<source>/outputs/} and expansions in {@code tasks/<task>/fanout.json}.
 */
public interface FanOutFiles {
    /**
     * The text of {@code file} in the working directory of {@code task}; throws {@link GyreException} saying
     * what is missing when it cannot be read.
     */
    String read(TaskId task, String file);

    /** The expansion recorded for the dynamic sweep {@code task}, if it was expanded before. */
    Optional<String> recorded(TaskId task);

    /** Records the expansion of {@code task} (a JSON document) before its instances are created. */
    void record(TaskId task, String expansion);

    /** For runs without files: lists are given as text by the caller; expansions are kept in memory. */
    static FanOutFiles inMemory(Map<String, String> listsByTaskAndFile) {
        Map<String, String> lists = Map.copyOf(listsByTaskAndFile);
        Map<TaskId, String> recorded = new ConcurrentHashMap<>();
        return new FanOutFiles() {
            @Override
            public String read(TaskId task, String file) {
                String text = lists.get(task + "/" + file);
                if (text == null) {
                    throw new GyreException("task '" + task + "' wrote no " + file);
                }
                return text;
            }

            @Override
            public Optional<String> recorded(TaskId task) {
                return Optional.ofNullable(recorded.get(task));
            }

            @Override
            public void record(TaskId task, String expansion) {
                recorded.put(task, expansion);
            }
        };
    }
}
