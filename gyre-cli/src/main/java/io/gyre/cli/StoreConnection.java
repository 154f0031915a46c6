package io.gyre.cli;

import io.gyre.api.ClusterRegistry;
import io.gyre.api.GyreException;
import io.gyre.api.StateQueries;
import io.gyre.api.StateStore;
import io.gyre.core.RunClient;
import io.gyre.core.Stores;
import io.gyre.redis.EmbeddedRedis;
import io.gyre.redis.RedisStore;
import io.gyre.redis.RedisStores;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A store, its registry and (for {@code embedded} in {@code gyre server}) the Redis this process started. */
final class StoreConnection implements AutoCloseable {
    final StateStore store;
    final StateQueries queries;
    final ClusterRegistry registry;
    final Path dataDir;
    final String shown;
    private final @Nullable EmbeddedRedis embedded;

    private StoreConnection(
            StateStore store,
            StateQueries queries,
            ClusterRegistry registry,
            Path dataDir,
            String shown,
            @Nullable EmbeddedRedis embedded) {
        this.store = store;
        this.queries = queries;
        this.registry = registry;
        this.dataDir = dataDir;
        this.shown = shown;
        this.embedded = embedded;
    }

    Path runsDir() {
        return dataDir.resolve("runs");
    }

    /**
     * Connects; with {@code startEmbedded} an {@code embedded} store is started here (only {@code gyre server} does
     * that), otherwise the one a server started on the same data dir is found.
     *
     * @param sharedWithOthers whether other processes must reach the state ({@code memory} is then refused)
     */
    static StoreConnection open(
            StoreOptions options,
            Map<String, String> env,
            InstantSource clock,
            boolean startEmbedded,
            boolean sharedWithOthers) {
        StoreUrl url = options.url(env);
        Path dataDir = options.dataDir(env);
        return switch (url) {
            case StoreUrl.Memory m -> {
                if (sharedWithOthers) {
                    throw new GyreException("the memory store lives inside one process, so this command cannot reach"
                            + " it; use --store embedded (with gyre server) or a redis:// URL");
                }
                Stores.InMemoryStore s = Stores.inMemory(clock);
                yield new StoreConnection(s, s, Stores.inMemoryRegistry(), dataDir, "memory", null);
            }
            case StoreUrl.Embedded e -> {
                Path redisDir = dataDir.resolve("redis");
                if (startEmbedded) {
                    EmbeddedRedis started = EmbeddedRedis.start(redisDir);
                    try {
                        yield redis(
                                started.url(),
                                "embedded (" + started.url() + ", " + redisDir + ")",
                                dataDir,
                                clock,
                                started);
                    } catch (RuntimeException failed) {
                        started.close();
                        throw failed;
                    }
                }
                String found = EmbeddedRedis.running(redisDir)
                        .orElseThrow(() -> new GyreException("no gyre server with an embedded store is running on "
                                + dataDir + "; start one with 'gyre server --store embedded --data-dir " + dataDir
                                + "', or pass --store redis://host:port"));
                yield redis(found, "embedded (" + found + ")", dataDir, clock, null);
            }
            case StoreUrl.Redis r -> redis(r.url(), r.shown(), dataDir, clock, null);
        };
    }

    private static StoreConnection redis(
            String url, String shown, Path dataDir, InstantSource clock, @Nullable EmbeddedRedis embedded) {
        RedisStore store = RedisStores.connect(url, RedisStores.DEFAULT_PREFIX, clock);
        try {
            ClusterRegistry registry = RedisStores.registry(url, RedisStores.DEFAULT_PREFIX, clock);
            return new StoreConnection(store, store, registry, dataDir, shown, embedded);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    RunClient client(InstantSource clock) {
        return RunClient.overStore(store, queries, registry, runsDir(), clock);
    }

    @Override
    public void close() {
        try {
            registry.close();
            store.close();
        } finally {
            EmbeddedRedis e = embedded;
            if (e != null) {
                e.close();
            }
        }
    }
}
