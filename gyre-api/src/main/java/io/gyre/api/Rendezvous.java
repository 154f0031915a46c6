package io.gyre.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Rendezvous (highest random weight) hashing of runs over orchestrators: a run belongs to the member whose
 * weight {@code sha1hex(member + "\n" + run)} is the greatest (compared as lower-case hex text). When a member
 * leaves only its runs move, and a joining member takes about 1/n of the runs, from every other member alike.
 *
 * <p>Stores compute the same function (the Redis store in Lua with {@code redis.sha1hex}), so a claim is
 * granted against exactly the owner that orchestrators compute locally.
 */
public final class Rendezvous {
    private Rendezvous() {}

    /** The owner of {@code run} among {@code members}; empty if there are none. */
    public static Optional<OrchestratorId> owner(RunId run, Collection<OrchestratorId> members) {
        OrchestratorId best = null;
        String bestWeight = "";
        for (OrchestratorId m : members) {
            String w = weight(m, run);
            if (best == null || w.compareTo(bestWeight) > 0) {
                best = m;
                bestWeight = w;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The weight of {@code member} for {@code run}: 40 lower-case hex digits. */
    public static String weight(OrchestratorId member, RunId run) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1")
                    .digest((member.value() + "\n" + run.value()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new GyreException("this JVM has no SHA-1, which rendezvous hashing needs", e);
        }
    }
}
