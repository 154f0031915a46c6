package io.gyre.core;

import io.gyre.api.ClusterRegistry;
import io.gyre.api.RunId;
import io.gyre.api.WorkerId;
import io.gyre.api.WorkerInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The cluster registry of one process; every method holds the instance's lock. */
final class InMemoryRegistry implements ClusterRegistry {
    private final Set<RunId> runs = new LinkedHashSet<>();
    private final Map<RunId, String> cancels = new LinkedHashMap<>();
    private final Map<WorkerId, WorkerInfo> workers = new TreeMap<>();

    @Override
    public synchronized void announceRun(RunId run) {
        runs.add(run);
    }

    @Override
    public synchronized List<RunId> announcedRuns() {
        return List.copyOf(runs);
    }

    @Override
    public synchronized void retireRun(RunId run) {
        runs.remove(run);
        cancels.remove(run);
    }

    @Override
    public synchronized void requestCancel(RunId run, String reason) {
        cancels.putIfAbsent(run, reason);
    }

    @Override
    public synchronized Map<RunId, String> cancelRequests() {
        return Map.copyOf(cancels);
    }

    @Override
    public synchronized void beat(WorkerInfo worker) {
        workers.put(worker.id(), worker);
    }

    @Override
    public synchronized List<WorkerInfo> liveWorkers(Instant now) {
        workers.values().removeIf(w -> w.expiresAt().isBefore(now));
        return new ArrayList<>(workers.values());
    }

    @Override
    public synchronized void leave(WorkerId worker) {
        workers.remove(worker);
    }

    @Override
    public void close() {}
}
