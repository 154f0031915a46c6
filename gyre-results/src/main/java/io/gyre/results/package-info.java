/**
 * Task results: the snapshot formats a task may publish (JSON, CSV, Parquet), Gyre's own Parquet form of
 * snapshots and merged results, and the incremental merge. See docs/results.md.
 */
@NullMarked
package io.gyre.results;

import org.jspecify.annotations.NullMarked;
