package io.gyre.redis;

import io.gyre.api.ClusterRegistry;
import io.gyre.testkit.ClusterRegistryContract;
import io.gyre.testkit.ManualClock;
import io.gyre.testkit.RedisServerFixture;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The registry contract against a real redis-server; each test gets its own key prefix. */
class RedisRegistryIT extends ClusterRegistryContract {
    private static final AtomicInteger TESTS = new AtomicInteger();

    @TempDir
    static Path dir;

    static RedisServerFixture server;

    @BeforeAll
    static void startRedis() {
        server = RedisServerFixture.ephemeral(dir);
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @Override
    protected ClusterRegistry newRegistry(ManualClock clock) {
        return RedisStores.registry(server.uri().toString(), "registry" + TESTS.incrementAndGet() + ":", clock);
    }
}
