package io.gyre.api;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where bulk data lives (task logs, result snapshots, merged results, outputs): named byte objects under
 * '/'-separated relative keys such as {@code results/dose/task[0001]/000003.parquet}. The state store holds only
 * small metadata that points here.
 *
 * <p>Every implementation (the local directory in {@code gyre-core}, S3 later) passes
 * {@code io.gyre.testkit.ObjectStoreContract}:
 *
 * <ul>
 *   <li>A put is atomic: a reader sees the old object, no object, or the whole new one, never a part.
 *   <li>The last put of a key wins; {@link #get} returns a copy the caller may keep.
 *   <li>{@link #list} returns the keys that start with a prefix (a plain string prefix, not a directory), sorted.
 *   <li>Keys are checked by {@link #checkKey}; a bad key is refused with {@link InvalidObjectKeyException}
 *       before anything is touched, so no key can reach outside the store.
 *   <li>A missing key makes {@link #get}, {@link #open} and {@link #size} throw {@link NotFoundException}.
 * </ul>
 *
 * <p>Reading is whole-object ({@link #get}) or streaming ({@link #open}); there is no ranged read. Parquet needs
 * random access to its footer, so Gyre reads result files whole: a snapshot is a few MB, and one array of the
 * result is in memory anyway. Implementations are safe for use by many threads.
 */
public interface ObjectStore extends AutoCloseable {
    /** Stores {@code bytes} (copied) under {@code key}, replacing any object there, atomically. */
    void put(String key, byte[] bytes);

    /** Stores a copy of the file {@code source} under {@code key}, atomically; the source is left in place. */
    void put(String key, Path source);

    /** The whole object. */
    byte[] get(String key);

    /** The object as a stream, which the caller closes. */
    InputStream open(String key);

    boolean exists(String key);

    /** The object's size in bytes. */
    long size(String key);

    /**
     * The keys that start with {@code prefix}, in ascending (String) order; {@code ""} lists everything. A
     * prefix may end with '/' ({@code "results/"}) or not ({@code "results/do"}).
     */
    List<String> list(String prefix);

    /** Removes the object; false when there was none. */
    boolean delete(String key);

    /** Releases connections or handles; the store is not used afterwards. */
    @Override
    void close();

    /**
     * Checks that {@code key} is a relative '/'-separated path of non-empty segments, none of them starting with
     * '.' (which rules out {@code .} and {@code ..}), without backslashes or control characters, at most 1,024
     * characters.
     *
     * @return the key
     * @throws InvalidObjectKeyException saying what is wrong
     */
    static String checkKey(String key) {
        String problem = keyProblem(key, false);
        if (problem != null) {
            throw new InvalidObjectKeyException(key, problem);
        }
        return key;
    }

    /** Checks a {@link #list} prefix: like a key, but it may be empty and may end with '/'. */
    static String checkPrefix(String prefix) {
        String problem = keyProblem(prefix, true);
        if (problem != null) {
            throw new InvalidObjectKeyException(prefix, problem);
        }
        return prefix;
    }

    private static @Nullable String keyProblem(String key, boolean prefix) {
        if (key.isEmpty()) {
            return prefix ? null : "it is empty";
        }
        if (key.length() > 1024) {
            return "it is " + key.length() + " characters long; keys have at most 1024";
        }
        if (key.startsWith("/")) {
            return "it starts with '/'; keys are relative, like results/dose/000001.parquet";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\\') {
                return "it contains a backslash; separate segments with '/'";
            }
            if (Character.isISOControl(c)) {
                return "it contains a control character at position " + i;
            }
        }
        String body = prefix && key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        String[] segments = body.split("/", -1);
        for (String s : segments) {
            if (s.isEmpty()) {
                return "it has an empty segment ('//' or a trailing '/')";
            }
            if (s.startsWith(".")) {
                return "segment '" + s + "' starts with '.'; '.', '..' and hidden names are not allowed";
            }
        }
        return null;
    }
}
