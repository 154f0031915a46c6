package io.gyre.testkit;

import io.gyre.api.GyreException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A real {@code redis-server} for tests, on 127.0.0.1 and a free port, with its files in a directory the test
 * owns. {@link #ephemeral} keeps nothing on disk; {@link #durable} writes an append-only file with
 * {@code fsync} on every write, so {@link #restart} and {@link #crashAndRestart} on the same directory show
 * what survives.
 *
 * <p>If {@code redis-server} is not installed this fails (it never skips): run {@code ./test}, which installs
 * the test dependencies. Start-up waits for the server's own "Ready to accept connections" line, bounded.
 */
public final class RedisServerFixture implements AutoCloseable {
    private static final long START_TIMEOUT_SECONDS = 20;

    private final Path executable;
    private final Path dir;
    private final boolean durable;
    private final int port;
    private @Nullable Process process;
    private final ArrayDeque<String> lastLines = new ArrayDeque<>();

    private RedisServerFixture(Path executable, Path dir, boolean durable, int port) {
        this.executable = executable;
        this.dir = dir;
        this.durable = durable;
        this.port = port;
    }

    /** Starts a server that keeps nothing on disk ({@code --save '' --appendonly no}). */
    public static RedisServerFixture ephemeral(Path dir) {
        return start(dir, false);
    }

    /** Starts a server with {@code --appendonly yes --appendfsync always} in {@code dir}. */
    public static RedisServerFixture durable(Path dir) {
        return start(dir, true);
    }

    private static RedisServerFixture start(Path dir, boolean durable) {
        RedisServerFixture f = new RedisServerFixture(locate(), dir, durable, freePort());
        f.launch();
        return f;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /** Stops the server gracefully (SIGTERM) and starts it again on the same port and directory. */
    public void restart() {
        stop(false);
        launch();
    }

    /** Kills the server (SIGKILL, no chance to write anything more) and starts it again on the same directory. */
    public void crashAndRestart() {
        stop(true);
        launch();
    }

    /** Stops the server gracefully; {@link #restart} may start it again. */
    public void stop() {
        stop(false);
    }

    @Override
    public void close() {
        stop(false);
    }

    private void launch() {
        List<String> cmd = new ArrayList<>(List.of(
                executable.toString(),
                "--bind",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--daemonize",
                "no",
                "--save",
                "",
                "--dir",
                dir.toString()));
        if (durable) {
            cmd.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
        } else {
            cmd.addAll(List.of("--appendonly", "no"));
        }
        Process p;
        try {
            Files.createDirectories(dir);
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new GyreException("cannot start " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        }
        process = p;
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Path log = dir.resolve("redis-server-" + port + ".log");
        Thread reader = new Thread(() -> drain(p, log, ready), "redis-server-" + port + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new GyreException("interrupted while starting redis-server", e);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new GyreException("redis-server on port " + port + " did not become ready within "
                    + START_TIMEOUT_SECONDS + " s; its last output:\n" + lastOutput());
        }
    }

    private void drain(Process p, Path log, CompletableFuture<Boolean> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(
                        log,
                        StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                synchronized (lastLines) {
                    lastLines.addLast(line);
                    if (lastLines.size() > 30) {
                        lastLines.removeFirst();
                    }
                }
                if (line.contains("Ready to accept connections")) {
                    ready.complete(true);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(new UncheckedIOException(e));
        }
        ready.completeExceptionally(new IllegalStateException("redis-server exited"));
    }

    private String lastOutput() {
        synchronized (lastLines) {
            return String.join("\n", lastLines);
        }
    }

    private void stop(boolean kill) {
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        if (kill) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    private static Path locate() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                if (!d.isEmpty()) {
                    candidates.add(Path.of(d, "redis-server"));
                }
            }
        }
        candidates.add(Path.of("/usr/bin/redis-server"));
        candidates.add(Path.of("/usr/local/bin/redis-server"));
        for (Path c : candidates) {
            if (Files.isExecutable(c)) {
                return c;
            }
        }
        throw new GyreException("redis-server is not installed, and the Redis tests need a real one: run ./test,"
                + " which installs the test dependencies (or: apt-get install redis-server)");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new GyreException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }
}
