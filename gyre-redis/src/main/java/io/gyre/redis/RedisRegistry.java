package io.gyre.redis;

import io.gyre.api.ClusterRegistry;
import io.gyre.api.GyreException;
import io.gyre.api.QueueName;
import io.gyre.api.RunId;
import io.gyre.api.WorkerId;
import io.gyre.api.WorkerInfo;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ZAddParams;

/**
 * The cluster registry in Redis, beside the store under the same prefix. Plain commands, no scripts: each
 * operation touches one key, and nothing here takes part in a transition (see {@link ClusterRegistry}).
 *
 * <ul>
 *   <li>{@code {p}announced}: sorted set of run ids scored by announcement time (milliseconds of the clock)
 *   <li>{@code {p}cancel}: hash run id to the first reason given
 *   <li>{@code {p}workers}: hash worker id to its encoded {@link WorkerInfo}; expiry is read from the value and
 *       compared with the injected clock, expired entries are deleted by whoever lists them
 * </ul>
 */
final class RedisRegistry implements ClusterRegistry {
    private final RedisEndpoint endpoint;
    private final String prefix;
    private final InstantSource clock;
    private final RedisClient redis;

    private RedisRegistry(RedisEndpoint endpoint, String prefix, InstantSource clock, RedisClient redis) {
        this.endpoint = endpoint;
        this.prefix = prefix;
        this.clock = clock;
        this.redis = redis;
    }

    static RedisRegistry open(RedisEndpoint endpoint, String prefix, InstantSource clock) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(8);
        pool.setMaxIdle(8);
        pool.setJmxEnabled(false);
        RedisClient redis = RedisClient.builder()
                .hostAndPort(endpoint.address())
                .clientConfig(endpoint.config())
                .poolConfig(pool)
                .build();
        try {
            redis.ping();
        } catch (RuntimeException e) {
            redis.close();
            throw Failures.translate(e, endpoint);
        }
        return new RedisRegistry(endpoint, prefix, clock, redis);
    }

    @Override
    public void announceRun(RunId run) {
        call(() -> redis.zadd(
                prefix + "announced",
                (double) clock.millis(),
                run.value(),
                ZAddParams.zAddParams().nx()));
    }

    @Override
    public List<RunId> announcedRuns() {
        return call(() -> redis.zrange(prefix + "announced", 0, -1)).stream()
                .map(RunId::of)
                .toList();
    }

    @Override
    public void retireRun(RunId run) {
        call(() -> redis.zrem(prefix + "announced", run.value()));
        call(() -> redis.hdel(prefix + "cancel", run.value()));
    }

    @Override
    public void requestCancel(RunId run, String reason) {
        call(() -> redis.hsetnx(prefix + "cancel", run.value(), reason));
    }

    @Override
    public Map<RunId, String> cancelRequests() {
        Map<RunId, String> out = new LinkedHashMap<>();
        call(() -> redis.hgetAll(prefix + "cancel")).forEach((k, v) -> out.put(RunId.of(k), v));
        return out;
    }

    @Override
    public void beat(WorkerInfo w) {
        byte[] value = Codec.limited(encode(w), "the registration of worker " + w.id());
        call(() -> redis.hset(Codec.utf8(prefix + "workers"), Codec.utf8(w.id().value()), value));
    }

    @Override
    public List<WorkerInfo> liveWorkers(Instant now) {
        Map<byte[], byte[]> all = call(() -> redis.hgetAll(Codec.utf8(prefix + "workers")));
        Map<String, WorkerInfo> live = new TreeMap<>();
        List<byte[]> expired = new ArrayList<>();
        all.forEach((k, v) -> {
            WorkerInfo w = decode(v);
            if (w.expiresAt().isBefore(now)) {
                expired.add(k);
            } else {
                live.put(w.id().value(), w);
            }
        });
        if (!expired.isEmpty()) {
            call(() -> redis.hdel(Codec.utf8(prefix + "workers"), expired.toArray(byte[][]::new)));
        }
        return List.copyOf(live.values());
    }

    @Override
    public void leave(WorkerId worker) {
        call(() -> redis.hdel(prefix + "workers", worker.value()));
    }

    static byte[] encode(WorkerInfo w) {
        Codec.Writer out = new Codec.Writer()
                .str(w.id().value())
                .str(Integer.toString(w.queues().size()));
        w.queues().forEach(q -> out.str(q.value()));
        out.map(w.labels()).str(Integer.toString(w.slots()));
        Map<String, String> running = new LinkedHashMap<>();
        w.running().forEach((q, n) -> running.put(q.value(), Integer.toString(n)));
        return out.map(running).str(w.expiresAt().toString()).bytes();
    }

    static WorkerInfo decode(byte[] b) {
        Codec.Reader in = new Codec.Reader(b);
        WorkerId id = WorkerId.of(in.str());
        int n = in.integer();
        List<QueueName> queues = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            queues.add(QueueName.of(in.str()));
        }
        Map<String, String> labels = in.map();
        int slots = in.integer();
        Map<QueueName, Integer> running = new LinkedHashMap<>();
        in.map().forEach((q, c) -> running.put(QueueName.of(q), Integer.parseInt(c)));
        return new WorkerInfo(id, queues, labels, slots, running, Instant.parse(in.str()));
    }

    private <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (GyreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw Failures.translate(e, endpoint);
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
