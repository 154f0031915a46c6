package io.gyre.core;

import io.gyre.api.StateStore;
import io.gyre.redis.RedisStores;
import io.gyre.testkit.RedisServerFixture;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The hand-over between two orchestrators over a real redis-server. */
class RedisOrchestratorHandOverIT extends OrchestratorHandOverTest {
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
    protected StateStore newStore() {
        return RedisStores.connect(server.uri(), "handover" + TESTS.incrementAndGet() + ":", InstantSource.system());
    }
}
