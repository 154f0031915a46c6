package io.gyre.redis;

import io.gyre.api.GyreException;
import io.gyre.api.RunState;
import io.gyre.api.StateMachine;
import io.gyre.api.TaskState;
import io.gyre.api.Transition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One Lua script of the store, run with {@code EVALSHA} and loaded on demand: a server that restarted (or a
 * {@code SCRIPT FLUSH}) answers {@code NOSCRIPT} once, the script is loaded and the call repeated.
 *
 * <p>Every script is the shared prelude plus its own body, preceded by the transition tables generated from
 * {@link TaskState#MACHINE} and {@link RunState#MACHINE}, so those tables stay the only place the allowed state
 * changes are written.
 */
final class LuaScript {
    private static final String HEADER = edges("TASK_EDGES", TaskState.MACHINE)
            + edges("RUN_EDGES", RunState.MACHINE)
            + "local LAYOUT_VERSION = '" + Codec.LAYOUT + "'\n"
            + resource("prelude");

    private final String name;
    private final String source;
    private final byte[] sha;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha = Codec.utf8(sha1(source));
    }

    static LuaScript named(String name) {
        return new LuaScript(name, HEADER + resource(name));
    }

    String name() {
        return name;
    }

    /** Runs the script; its reply is an array (of byte strings) by the convention of every script here. */
    List<Object> run(UnifiedJedis redis, List<byte[]> args) {
        Object reply;
        try {
            reply = redis.evalsha(sha, List.of(), args);
        } catch (JedisNoScriptException e) {
            redis.scriptLoad(source);
            reply = redis.evalsha(sha, List.of(), args);
        }
        if (!(reply instanceof List<?> list)) {
            throw new GyreException("Lua script " + name + " answered " + reply + " instead of a list; is "
                    + "this a Gyre key prefix on a Redis 6.2 or newer?");
        }
        @SuppressWarnings("unchecked")
        List<Object> result = (List<Object>) list;
        return result;
    }

    void load(UnifiedJedis redis) {
        redis.scriptLoad(source);
    }

    private static <S extends Enum<S>> String edges(String table, StateMachine<S> machine) {
        StringBuilder b = new StringBuilder("local ").append(table).append(" = {");
        for (Transition<S> t : machine.transitions()) {
            b.append("['")
                    .append(t.from().name())
                    .append('>')
                    .append(t.to().name())
                    .append("']=true,");
        }
        return b.append("}\n").toString();
    }

    private static String resource(String name) {
        String path = "lua/" + name + ".lua";
        try (InputStream in = LuaScript.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new GyreException("the Lua script " + path + " is missing from gyre-redis; rebuild it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GyreException("cannot read the Lua script " + path + " from gyre-redis: " + e.getMessage(), e);
        }
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new GyreException("this JVM has no SHA-1, which Redis script ids need", e);
        }
    }
}
