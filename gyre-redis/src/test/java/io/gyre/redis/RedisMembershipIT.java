package io.gyre.redis;

import io.gyre.api.StateStore;
import io.gyre.testkit.ManualClock;
import io.gyre.testkit.MembershipContract;
import io.gyre.testkit.RedisServerFixture;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The membership contract against a real redis-server; each test gets its own key prefix. */
class RedisMembershipIT extends MembershipContract {
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
    protected StateStore newStore(ManualClock clock) {
        return RedisStores.connect(server.uri(), "members" + TESTS.incrementAndGet() + ":", clock);
    }
}
