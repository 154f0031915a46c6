package io.gyre.redis;

import io.gyre.api.GyreException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;

/**
 * Where the Redis server is and how to log in, parsed from {@code redis://[user:pass@]host[:port][/db]} or
 * {@code rediss://...} (TLS).
 */
record RedisEndpoint(HostAndPort address, JedisClientConfig config, String display) {
    private static final String FORMAT = "redis://[user:password@]host[:port][/db] or rediss://... for TLS";

    static RedisEndpoint parse(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("redis") || scheme.equals("rediss"))) {
            throw bad(uri, "the scheme must be redis or rediss");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw bad(uri, "it names no host");
        }
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .ssl(scheme.equals("rediss"))
                .connectionTimeoutMillis(2_000)
                .socketTimeoutMillis(10_000)
                .clientName("gyre");
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? "" : decode(userInfo.substring(0, colon));
            String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
            if (!user.isEmpty()) {
                config.user(user);
            }
            config.password(password);
        }
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            try {
                int db = Integer.parseInt(path.substring(1));
                if (db < 0) {
                    throw bad(uri, "the database number must not be negative");
                }
                config.database(db);
            } catch (NumberFormatException e) {
                throw bad(uri, "the path must be a database number such as /0, not " + path);
            }
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw bad(uri, "it has a query or fragment, which Gyre does not read");
        }
        return new RedisEndpoint(
                new HostAndPort(host, port),
                config.build(),
                scheme + "://" + host + ":" + port + (path == null ? "" : path));
    }

    /** Parses a URL string, reporting a malformed one the same way as a wrong one. */
    static RedisEndpoint parse(String url) {
        try {
            return parse(new URI(url));
        } catch (java.net.URISyntaxException e) {
            throw new GyreException(
                    "the Redis URL '" + url + "' is malformed (" + e.getReason() + "); write it as " + FORMAT);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static GyreException bad(URI uri, String why) {
        String shown =
                uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo(), "***");
        return new GyreException("the Redis URL '" + shown + "' is not usable: " + why + "; write it as " + FORMAT);
    }
}
