package io.gyre.cli;

import io.gyre.api.TaskId;
import io.gyre.core.Params;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options that choose what of a flow runs or is planned: {@code -p NAME=VALUE} and {@code --target TASK}. */
final class FlowSelection {
    @Option(
            names = {"-p", "--param"},
            paramLabel = "NAME=VALUE",
            description = "Sets a flow parameter (repeatable).")
    List<String> params = new ArrayList<>();

    @Option(names = "--target", paramLabel = "TASK", description = "Only this task and what it needs (repeatable).")
    List<String> targets = new ArrayList<>();

    boolean isEmpty() {
        return params.isEmpty() && targets.isEmpty();
    }

    Map<String, String> parameters() {
        return Params.parseAssignments(params, "-p");
    }

    List<TaskId> targetIds() {
        return targets.stream().map(TaskIds::parse).toList();
    }
}
