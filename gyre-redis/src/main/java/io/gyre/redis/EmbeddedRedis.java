package io.gyre.redis;

import io.gyre.api.GyreException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/**
 * The Redis that {@code gyre server --store embedded} starts for a developer: the redis-server binary bundled
 * in {@code com.github.codemonstur:embedded-redis} (6.2), bound to 127.0.0.1 on a free port, persisting with
 * an append-only file ({@code appendfsync everysec}, no RDB snapshots) under {@code <data-dir>/redis}, so runs
 * and their history survive a restart of the server. The port is written to {@code <data-dir>/redis/port} so
 * that {@code gyre submit}, {@code gyre status} and extra workers on the same machine find it.
 *
 * <p>{@code everysec} rather than {@code always}: Redis writes the AOF before it answers, so a crash of the
 * server process loses nothing; only a crash of the machine can lose up to a second, which is acceptable for a
 * development server and keeps every write off the disk's sync latency. Production uses an external Redis with
 * {@code appendfsync always} (docs/redis.md).
 */
public final class EmbeddedRedis implements AutoCloseable {
    static final String PORT_FILE = "port";

    private final RedisServer server;
    private final Path dir;
    private final int port;

    private EmbeddedRedis(RedisServer server, Path dir, int port) {
        this.server = server;
        this.dir = dir;
        this.port = port;
    }

    /** Starts the bundled Redis on {@code dir}, refusing if one started there earlier still answers. */
    public static EmbeddedRedis start(Path dir) {
        Optional<String> running = running(dir);
        if (running.isPresent()) {
            throw new GyreException("an embedded Redis for " + dir + " is already running at " + running.get()
                    + " (another gyre server on this --data-dir, or one left by a server that was killed); stop that"
                    + " server, or stop the Redis with: redis-cli -u " + running.get() + " shutdown");
        }
        try {
            Files.createDirectories(dir);
            int port = freePort();
            RedisServer server = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("dir \"" + dir.toAbsolutePath() + "\"")
                    .setting("appendonly yes")
                    .setting("appendfsync everysec")
                    .setting("save \"\"")
                    .setting("protected-mode yes")
                    .onShutdownForceStop(true)
                    .build();
            server.start();
            Files.writeString(dir.resolve(PORT_FILE), Integer.toString(port), StandardCharsets.UTF_8);
            return new EmbeddedRedis(server, dir, port);
        } catch (IOException | RuntimeException e) {
            throw new GyreException("cannot start the embedded Redis in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The URL of an embedded Redis started on {@code dir} that answers now, if any. */
    public static Optional<String> running(Path dir) {
        Path file = dir.resolve(PORT_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        int port;
        try {
            port = Integer.parseInt(
                    Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        try (Jedis j = new Jedis(
                new HostAndPort("127.0.0.1", port),
                DefaultJedisClientConfig.builder().connectionTimeoutMillis(500).build())) {
            j.ping();
            return Optional.of(url(port));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String url(int port) {
        return "redis://127.0.0.1:" + port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String url() {
        return url(port);
    }

    public int port() {
        return port;
    }

    /** Stops the server (it rewrites nothing on the way out: the AOF is already complete). */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(dir.resolve(PORT_FILE));
            server.stop();
        } catch (IOException e) {
            throw new GyreException("cannot stop the embedded Redis in " + dir + ": " + e.getMessage(), e);
        }
    }
}
