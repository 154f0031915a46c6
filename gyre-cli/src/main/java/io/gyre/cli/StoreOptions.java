package io.gyre.cli;

import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code --store URL} and {@code --data-dir DIR}, shared by every command that works against a store. */
final class StoreOptions {
    static final String DATA_DIR_ENV = "GYRE_DATA_DIR";

    @Option(
            names = "--store",
            paramLabel = "URL",
            description = "memory, embedded, redis://[user:pass@]host:port[/db] or rediss://... "
                    + "(default: $GYRE_STORE, else embedded).")
    @Nullable
    String store;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "The shared directory: run directories (runs/<run-id>/, logs and outputs) and the embedded"
                    + " Redis's files (redis/) (default: $GYRE_DATA_DIR, else ~/.gyre/data).")
    @Nullable
    Path dataDir;

    /** Whether the user chose the store mode (a RUN_ID rather than a RUN_DIR): {@code --store} or GYRE_STORE. */
    boolean chosen(Map<String, String> env) {
        String e = env.get(StoreUrl.ENV);
        return store != null || (e != null && !e.isBlank());
    }

    StoreUrl url(Map<String, String> env) {
        return StoreUrl.resolve(store, env);
    }

    Path dataDir(Map<String, String> env) {
        return dataDir(dataDir, env);
    }

    /** {@code given}, else $GYRE_DATA_DIR, else {@code ~/.gyre/data}; absolute. */
    static Path dataDir(@Nullable Path given, Map<String, String> env) {
        if (given != null) {
            return given.toAbsolutePath();
        }
        String e = env.get(DATA_DIR_ENV);
        if (e != null && !e.isBlank()) {
            return Path.of(e).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".gyre", "data");
    }
}
