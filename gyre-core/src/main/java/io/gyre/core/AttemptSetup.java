package io.gyre.core;

import io.gyre.api.TaskLaunch;
import io.gyre.api.WorkItem;

/**
 * Prepares the files and environment of one attempt: the working directory, the log files, the
 * {@code $GYRE_OUTPUT} file and the {@code GYRE_*} variables.
 */
@FunctionalInterface
public interface AttemptSetup {
    TaskLaunch prepare(WorkItem item);
}
