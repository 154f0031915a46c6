/**
 * The Redis state store: {@link io.gyre.redis.RedisStores#connect} gives a {@link io.gyre.api.StateStore} and
 * {@link io.gyre.api.StateQueries} backed by one Redis server (standalone, or a primary behind a fixed
 * address). Every write that touches more than one key is a Lua script; the key layout is in {@code
 * docs/redis.md}.
 */
@NullMarked
package io.gyre.redis;

import org.jspecify.annotations.NullMarked;
