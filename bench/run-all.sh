#!/usr/bin/env bash
# Gyre's benchmarks side by side with peers, in one command. Prints one table and writes it to
# bench/results/latest.md (raw harness output goes to bench/results/latest.log).
#
#   bench/run-all.sh                 everything
#   bench/run-all.sh engine peers    a subset: engine, planning, processes, peers, distributed, merge (any, in any order)
#   bench/run-all.sh distributed     Gyre over Redis beside Celery (same Redis) and JobRunr; not in the default set
#
# "merge" is not in the default set either: it writes 1.6 GB of snapshot files (deleted afterwards) and takes a few
# minutes. MERGE_SNAPSHOTS (default 1000) and MERGE_DISTINCT (default 100) size it. It also measures snapshot
# latency (a file renamed into $GYRE_RESULTS_DIR -> the live merged view).
#
# Knobs (environment): RUNS (measured runs per row, default 3), SNAKEMAKE_TIMEOUT (seconds per Snakemake run,
# default 600), SNAKEMAKE_DEFAULT_RUNS (runs of Snakemake's slow default scheduler, default 1),
# DRYRUN_TIMEOUT (seconds per Snakemake dry run, default 300), SKIP_BUILD=1 (use the jars already built),
# DIST_TASKS (distributed: tasks per run for Celery, JobRunr and the in-process layout, default 10000), PROCS_TASKS
# DIST_WARMUP and PROCS_RUNS (Gyre's process layout: tasks per run, default 20000; DIST_WARMUP unmeasured runs first,
# default 5; the median of PROCS_RUNS measured runs, default 5), CLI_TASKS (the CLI path's process tasks, default 1000).
# Figures are wall-clock on whatever else the machine is doing: run it on an idle machine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/java-home.sh"
JAVA="$JAVA_HOME/bin/java"

RUNS=${RUNS:-3}
SNAKEMAKE_TIMEOUT=${SNAKEMAKE_TIMEOUT:-600}
SNAKEMAKE_DEFAULT_RUNS=${SNAKEMAKE_DEFAULT_RUNS:-1}
DRYRUN_TIMEOUT=${DRYRUN_TIMEOUT:-300}
PROCESS_TASKS=2000
# Debian's Python, where apt puts dask (a python3 earlier on PATH, e.g. pyenv's, would not see it).
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

SECTIONS=("$@")
[ ${#SECTIONS[@]} -gt 0 ] || SECTIONS=(engine planning processes peers)
for s in "${SECTIONS[@]}"; do
  case "$s" in engine | planning | processes | peers | distributed | merge) ;; *)
    echo "run-all: unknown section '$s' (use engine, planning, processes, peers, distributed, merge)" >&2
    exit 2
    ;;
  esac
done
wants() { local s; for s in "${SECTIONS[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"
LOG="$RESULTS/latest.log"
: >"$LOG"
TMP="$(mktemp -d -t gyre-bench.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT
ROWS="$TMP/rows.tsv" # what | figure | unit | runs | target | verdict
: >"$ROWS"
say() { echo "run-all: $*" >&2; echo "## $*" >>"$LOG"; }
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$ROWS"; }

# --- peers: installed from Debian when missing -----------------------------------------------------------------
ensure_peers() {
  local missing=()
  command -v hyperfine >/dev/null || missing+=(hyperfine)
  if wants processes; then
    command -v parallel >/dev/null || missing+=(parallel)
  fi
  if wants processes || wants peers; then
    command -v snakemake >/dev/null || missing+=(snakemake)
  fi
  if wants peers; then
    "$PY" -c 'import dask' 2>/dev/null || missing+=(python3-dask)
  fi
  if wants distributed; then
    command -v redis-server >/dev/null || missing+=(redis-server)
    "$PY" -c 'import celery' 2>/dev/null || missing+=(python3-celery)
    "$PY" -c 'import redis' 2>/dev/null || missing+=(python3-redis)
  fi
  if wants merge; then
    "$PY" -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
  fi
  [ -x /usr/bin/python3 ] || command -v python3 >/dev/null || missing+=(python3)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} with apt"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -q >>"$LOG" 2>&1
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >>"$LOG" 2>&1
  fi
}

# --- build -------------------------------------------------------------------------------------------------------
BENCH_CP="$ROOT/gyre-bench/target/gyre-bench-0.1.0-SNAPSHOT.jar:$ROOT/gyre-bench/target/lib/*"
build() {
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    say "building gyre-bench"
    ./mvnw -q -B -pl gyre-bench -am package -DskipTests -Dspotless.check.skip=true >>"$LOG" 2>&1 || {
      tail -40 "$LOG" >&2
      exit 1
    }
  fi
  if wants processes; then
    # The launcher builds the CLI distribution itself when it is missing or stale.
    say "building the CLI distribution (if stale)"
    ./gyre --version >>"$LOG" 2>&1
  fi
}

# RESULT lines of a harness's output: value of key $2 in file $1.
result() { awk -v k="$2" '$1 == "RESULT" && $2 == k { print $3 }' "$1"; }
fmt() { # number with thousands separators and $2 decimals
  LC_ALL=C awk -v v="$1" -v d="${2:-0}" 'BEGIN {
    s = sprintf("%." d "f", v); n = split(s, p, "."); i = p[1]; sign = ""
    if (substr(i, 1, 1) == "-") { sign = "-"; i = substr(i, 2) }
    o = ""; while (length(i) > 3) { o = "," substr(i, length(i) - 2) o; i = substr(i, 1, length(i) - 3) }
    print sign i o (n > 1 ? "." p[2] : "")
  }'
}
# verdict VALUE OP TARGET -> "meets" or "misses (...)"
verdict() {
  LC_ALL=C awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
    ok = (op == ">=") ? (v >= t) : (v <= t)
    if (ok) { print "meets"; exit }
    if (op == ">=") printf "misses: %.0f%% of target\n", 100 * v / t
    else printf "misses: %.1fx the target\n", v / t
  }'
}

# --- 1. engine ---------------------------------------------------------------------------------------------------
run_engine() {
  say "engine: 100,000 independent no-op tasks and a 10,000 chain, parallel 2"
  local out="$TMP/engine.out"
  "$JAVA" -Xms2g -Xmx2g -cp "$BENCH_CP" io.gyre.bench.EngineThroughput all --runs "$RUNS" --parallel 2 | tee -a "$LOG" >"$out"
  local wide chain
  wide=$(result "$out" engine.wide.tasks_per_s)
  chain=$(result "$out" engine.chain.us_per_step)
  row "Gyre engine, 100k independent in-process no-op tasks, parallel 2" "$(fmt "$wide")" tasks/s "$RUNS+1w" ">= 100,000" "$(verdict "$wide" ">=" 100000)"
  row "Gyre engine, 10k chain of in-process no-op tasks" "$(fmt "$chain" 1)" "µs/step" "$RUNS+1w" "<= 20" "$(verdict "$chain" "<=" 20)"
}

# --- 2. planning -------------------------------------------------------------------------------------------------
run_planning() {
  say "planning: 1,000,000-task layered flow in a fresh JVM with -Xmx1g"
  local out="$TMP/plan.out" i
  for i in $(seq "$RUNS"); do
    if ! "$JAVA" -Xmx1g -cp "$BENCH_CP" io.gyre.bench.PlanningScale plan 1000 1000 >"$TMP/plan.$i" 2>&1; then
      cat "$TMP/plan.$i" >>"$LOG"
      row "Plan.of, 1,000,000 tasks (1,000 x 1,000, 1-2 needs each), -Xmx1g" "failed" "" "1" "< 5 s, < 1 GiB" "misses: $(grep -m1 -o 'OutOfMemoryError.*' "$TMP/plan.$i" || echo 'see latest.log')"
      return
    fi
    cat "$TMP/plan.$i" >>"$LOG"
  done
  # The median over the fresh JVMs of each figure.
  med() { local k=$1 f; for f in "$TMP"/plan.[0-9]*; do result "$f" "$k"; done | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
  local build plan peak retained total flowmem
  build=$(med planning.flow_build_s)
  flowmem=$(med planning.flow_retained_mib)
  plan=$(med planning.plan_s)
  peak=$(med planning.plan_peak_heap_mib)
  retained=$(med planning.plan_retained_mib)
  total=$(med planning.total_retained_mib)
  row "Building the 1,000,000-task Flow in Java (TaskSpec.of, Flow.of), for context" "$(fmt "$build" 2)" s "$RUNS JVMs" "" "retained $(fmt "$flowmem") MiB"
  row "Plan.of, 1,000,000 tasks (1,000 layers x 1,000, 1-2 needs each), wall time" "$(fmt "$plan" 2)" s "$RUNS JVMs" "< 5 s" "$(verdict "$plan" "<=" 5)"
  row "Plan.of, 1,000,000 tasks: peak heap while planning (Flow live), -Xmx1g" "$(fmt "$peak")" MiB "$RUNS JVMs" "< 1,024 MiB" "$(verdict "$peak" "<=" 1024)"
  row "Plan.of, 1,000,000 tasks: heap retained by the Plan alone / Flow + Plan" "$(fmt "$retained") / $(fmt "$total")" MiB "$RUNS JVMs" "" ""
  say "planning: FlowLoader.load of a 10,000-task YAML file"
  out="$TMP/yaml.out"
  "$JAVA" -cp "$BENCH_CP" io.gyre.bench.PlanningScale yaml | tee -a "$LOG" >"$out"
  row "FlowLoader.load, 10,000-task YAML file: first load in a JVM / warm" "$(fmt "$(result "$out" planning.yaml_load_cold_s)" 2) / $(fmt "$(result "$out" planning.yaml_load_warm_s)" 2)" s "1 / 3" "" "for context"
}

# --- timing of commands (hyperfine) --------------------------------------------------------------------------------
# time_cmd NAME WARMUPS RUNS PREPARE COMMAND: median wall seconds into $TMP/NAME.median, exit codes into NAME.codes
time_cmd() {
  local name=$1 warm=$2 runs=$3 prepare=$4 cmd=$5
  echo "## $name: $cmd" >>"$LOG"
  hyperfine --style basic -i --warmup "$warm" --runs "$runs" --prepare "$prepare" \
    --export-json "$TMP/$name.json" "$cmd" >>"$LOG" 2>&1
  "$PY" - "$TMP/$name.json" >"$TMP/$name.median" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
codes = r.get("exit_codes") or []
print(statistics.median(r["times"]), " ".join(str(c) for c in codes))
PY
}
# rate_row LABEL NAME TASKS RUNS TIMEOUT: adds a tasks/s row; a run that hit the timeout is reported as such
rate_row() {
  local label=$1 name=$2 tasks=$3 runs=$4 limit=${5:-} secs codes
  read -r secs codes <"$TMP/$name.median"
  if [ -n "$limit" ] && [[ " $codes " == *" 124 "* ]]; then
    row "$label" "< $(fmt "$(awk -v t="$tasks" -v l="$limit" 'BEGIN { print t / l }')" 1)" tasks/s "$runs" "" "timed out (> $limit s)"
    return
  fi
  if [[ -n "${codes// /}" && "${codes//0/}" =~ [1-9] ]]; then
    row "$label" "failed" "" "$runs" "" "exit codes: $codes (see latest.log)"
    return
  fi
  echo "$tasks $secs" | awk '{ print $1 / $2 }' >"$TMP/$name.rate"
  row "$label" "$(fmt "$(cat "$TMP/$name.rate")")" tasks/s "$runs" "" "$(fmt "$secs" 2) s for $tasks"
}

# --- 3. local processes ------------------------------------------------------------------------------------------
run_processes() {
  local n=$PROCESS_TASKS
  say "processes: $n tasks running 'true', 2 at a time: gyre, xargs, GNU parallel, Snakemake"
  "$PY" bench/peers/generate.py gyre-flow "$n" "$TMP/true.yaml"
  "$PY" bench/peers/generate.py snakefile "$n" "$TMP/Snakefile"
  mkdir -p "$TMP/smk"
  time_cmd gyre 1 "$RUNS" "rm -rf $TMP/runs" \
    "$ROOT/gyre run $TMP/true.yaml --parallel 2 --progress none --runs-dir $TMP/runs"
  time_cmd gyre_jar 1 "$RUNS" "rm -rf $TMP/runs" \
    "$JAVA -XX:+UseSerialGC -XX:SharedArchiveFile=$ROOT/gyre-cli/target/gyre.jsa -Xlog:cds=off -jar $ROOT/gyre-cli/target/gyre-cli.jar run $TMP/true.yaml --parallel 2 --progress none --runs-dir $TMP/runs"
  time_cmd xargs 1 "$RUNS" "true" "seq $n | xargs -n1 -P2 true"
  time_cmd parallel 1 "$RUNS" "true" "seq $n | parallel --will-cite -j2 true"
  local smk="timeout $SNAKEMAKE_TIMEOUT snakemake -s $TMP/Snakefile --directory $TMP/smk -j2 --quiet"
  local clean="rm -rf $TMP/smk/out $TMP/smk/.snakemake"
  time_cmd snakemake_greedy 0 "$RUNS" "$clean" "$smk --scheduler greedy"
  time_cmd snakemake_default 0 "$SNAKEMAKE_DEFAULT_RUNS" "$clean" "$smk"

  rate_row "xargs -n1 -P2 true ($n processes)" xargs "$n" "$RUNS+1w"
  local x g
  x=$(cat "$TMP/xargs.rate" 2>/dev/null || echo 0)
  rate_row "gyre run, $n tasks command [true], --parallel 2 (./gyre launcher, JVM start included)" gyre "$n" "$RUNS+1w"
  g=$(cat "$TMP/gyre.rate" 2>/dev/null || echo 0)
  if [ "$x" != 0 ] && [ "$g" != 0 ]; then
    local pct
    pct=$(awk -v g="$g" -v x="$x" 'BEGIN { print 100 * g / x }')
    row "gyre run as a share of xargs -P2" "$(fmt "$pct")" "%" "" ">= 60%" "$(verdict "$pct" ">=" 60)"
  fi
  rate_row "  same, java -jar gyre-cli.jar directly (no launcher script)" gyre_jar "$n" "$RUNS+1w"
  local spawn
  "$JAVA" -XX:+UseSerialGC -cp "$BENCH_CP" io.gyre.bench.SpawnBaseline --tasks "$n" --parallel 2 --runs "$RUNS" | tee -a "$LOG" >"$TMP/spawn.out"
  spawn=$(result "$TMP/spawn.out" spawn.java_processes_per_s)
  row "  floor: plain ProcessBuilder.start().waitFor() of true on 2 threads in one warm JVM (no Gyre code)" "$(fmt "$spawn")" tasks/s "$RUNS+1w" "" "$(fmt "$(awk -v s="$spawn" -v x="$x" 'BEGIN { print 100 * s / x }')")% of xargs"
  rate_row "GNU parallel -j2 true ($n jobs)" parallel "$n" "$RUNS+1w"
  rate_row "Snakemake $(snakemake --version) -j2 --scheduler greedy, $n jobs 'true > out'" snakemake_greedy "$n" "$RUNS" "$SNAKEMAKE_TIMEOUT"
  rate_row "Snakemake $(snakemake --version) -j2, default (ILP) scheduler, $n jobs" snakemake_default "$n" "$SNAKEMAKE_DEFAULT_RUNS" "$SNAKEMAKE_TIMEOUT"
}

# --- 4. peers for the in-process numbers ---------------------------------------------------------------------------
run_peers() {
  say "peers: Dask threaded scheduler, 100,000 no-op tasks and a 10,000 chain"
  local out="$TMP/dask.out"
  "$PY" bench/peers/dask_throughput.py --runs "$RUNS" --workers 2 | tee -a "$LOG" >"$out"
  local dv
  dv=$("$PY" -c 'import dask; print(dask.__version__)')
  row "Dask $dv threaded scheduler (num_workers=2), 100k independent no-op tasks" "$(fmt "$(result "$out" dask.wide.tasks_per_s)")" tasks/s "$RUNS+1w" "" "peer"
  row "Dask $dv threaded scheduler, 10k chain" "$(fmt "$(result "$out" dask.chain.us_per_step)" 1)" "µs/step" "$RUNS+1w" "" "peer"
  local n
  for n in 10000 50000; do
    say "peers: snakemake dry run of $n jobs (timeout $DRYRUN_TIMEOUT s)"
    mkdir -p "$TMP/dry$n"
    "$PY" bench/peers/generate.py snakefile "$n" "$TMP/dry$n/Snakefile"
    time_cmd "dry$n" 0 1 "true" \
      "timeout $DRYRUN_TIMEOUT snakemake -s $TMP/dry$n/Snakefile --directory $TMP/dry$n -n -j1 --quiet"
    local secs codes
    read -r secs codes <"$TMP/dry$n.median"
    if [[ " $codes " == *" 124 "* ]]; then
      row "Snakemake dry run (-n -j1 --quiet), $(fmt "$n") jobs" "> $DRYRUN_TIMEOUT" s 1 "" "timed out"
    else
      row "Snakemake dry run (-n -j1 --quiet), $(fmt "$n") jobs" "$(fmt "$secs" 1)" s 1 "" "peer (planning only); exit $codes"
    fi
  done
}

# --- 5. distributed: Gyre over Redis, Celery on the same Redis, JobRunr --------------------------------------------
# One redis-server for everyone: AOF on with fsync every second (fsync on every write is what crash safety wants, see
# docs/redis.md, and slows every peer alike). Gyre: one orchestrator (Engine) with 2 in-process worker slots over
# the Redis store; the 1-orchestrator + 2-worker-process variant comes with `gyre worker` (DIST_WORKERS=processes
# is reserved for it). Celery: prefork pool, --concurrency 2 (CELERY_POOL=solo for the single-process pool).
DIST_TASKS=${DIST_TASKS:-10000}
# The process layout runs 20,000 tasks per measured run after DIST_WARMUP (default 5) unmeasured ones: three JVMs'
# JIT compilers take ~100,000 tasks to settle on two cores (a Gyre worker or orchestrator is a long-lived process).
# Its runs vary with how the workers' claim batches fall (11,600-23,300 tasks/s in one series), so it takes the median
# of PROCS_RUNS (default 5) measured runs.
PROCS_TASKS=${PROCS_TASKS:-20000}
DIST_WARMUP=${DIST_WARMUP:-5}
PROCS_RUNS=${PROCS_RUNS:-5}
run_distributed() {
  local port dir out pid cpid
  port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  dir="$TMP/redis"
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly yes --appendfsync everysec \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  local url="redis://127.0.0.1:$port"
  local dist=(-Xms1g -Xmx2g -cp "$BENCH_CP" io.gyre.bench.DistributedBench "$url")

  say "distributed: Gyre, $PROCS_TASKS durable no-op tasks through Redis, 1 orchestrator process + 2 worker processes, after $DIST_WARMUP warm-up runs"
  out="$TMP/dist-procs.out"
  "$JAVA" "${dist[@]}" procs "$PROCS_TASKS" --warmup "$DIST_WARMUP" --runs "$PROCS_RUNS" --workers 2 --parallel "${WORKER_SLOTS:-32}" 2>>"$LOG" | tee -a "$LOG" >"$out"
  local procs
  procs=$(result "$out" distributed.procs.tasks_per_s)
  row "Gyre over Redis, $(fmt "$PROCS_TASKS") no-op Java tasks, 1 orchestrator + 2 worker processes x ${WORKER_SLOTS:-32} slots" "$(fmt "$procs")" tasks/s "$PROCS_RUNS+${DIST_WARMUP}w" ">= 10,000" "$(verdict "$procs" ">=" 10000)"

  say "distributed: Gyre, 400-step chain, 1 orchestrator + 2 worker processes"
  out="$TMP/dist-chain-procs.out"
  "$JAVA" "${dist[@]}" chain-procs 400 --runs "$RUNS" --workers 2 --parallel "${WORKER_SLOTS:-32}" 2>>"$LOG" | tee -a "$LOG" >"$out"
  local pchain pp50 pp99
  pchain=$(result "$out" distributed.procs.chain_s)
  pp50=$(result "$out" distributed.procs.latency_p50_ms)
  pp99=$(result "$out" distributed.procs.latency_p99_ms)
  row "Gyre over Redis, 400-step chain, worker processes, wall time" "$(fmt "$pchain" 2)" s "$RUNS+1w" "< 4" "$(verdict "$pchain" "<=" 4)"
  row "Gyre over Redis, worker processes, last need finished -> task started, p50 / p99" "$(fmt "$pp50" 2) / $(fmt "$pp99" 2)" ms "$RUNS x 399" "<= 5 / <= 50" "$(verdict "$pp50" "<=" 5), $(verdict "$pp99" "<=" 50)"

  say "distributed: Gyre, $DIST_TASKS durable no-op tasks through Redis, 1 orchestrator + 2 worker slots"
  out="$TMP/dist-tp.out"
  "$JAVA" "${dist[@]}" throughput "$DIST_TASKS" --runs "$RUNS" --parallel 2 2>>"$LOG" | tee -a "$LOG" >"$out"
  local gyre
  gyre=$(result "$out" distributed.gyre.tasks_per_s)
  # Two slots hold at most two tasks: each costs a claim and a commit round trip, so this row shows the per-task
  # latency of one JVM over Redis, not the throughput the target is about (that is the process layout above).
  row "Gyre over Redis, $(fmt "$DIST_TASKS") no-op tasks, 1 orchestrator + 2 in-process worker slots (one JVM; 2 tasks in flight)" "$(fmt "$gyre")" tasks/s "$RUNS+1w" "" "latency-bound"

  say "distributed: Gyre, 400-step chain and need-to-start latency"
  out="$TMP/dist-chain.out"
  "$JAVA" "${dist[@]}" chain 400 --runs "$RUNS" --parallel 2 2>>"$LOG" | tee -a "$LOG" >"$out"
  local chain p50 p99
  chain=$(result "$out" distributed.gyre.chain_s)
  p50=$(result "$out" distributed.gyre.latency_p50_ms)
  p99=$(result "$out" distributed.gyre.latency_p99_ms)
  row "Gyre over Redis, 400-step chain of no-op tasks, wall time" "$(fmt "$chain" 2)" s "$RUNS+1w" "< 4" "$(verdict "$chain" "<=" 4)"
  row "Gyre over Redis, last need finished -> task started on a warm worker, p50" "$(fmt "$p50" 2)" ms "$RUNS x 399" "<= 5" "$(verdict "$p50" "<=" 5)"
  row "Gyre over Redis, last need finished -> task started on a warm worker, p99" "$(fmt "$p99" 2)" ms "$RUNS x 399" "<= 50" "$(verdict "$p99" "<=" 50)"

  say "distributed: Gyre, a surviving orchestrator adopts a 100,000-task run"
  out="$TMP/dist-adopt.out"
  "$JAVA" "${dist[@]}" adoption 100000 --runs "$RUNS" 2>>"$LOG" | tee -a "$LOG" >"$out"
  local adopt
  adopt=$(result "$out" distributed.gyre.adoption_s)
  row "Gyre over Redis, adoption of a 100,000-task run (claim + rebuild; + ttl to notice)" "$(fmt "$adopt" 2)" s "$RUNS+1w" "< 10" "$(verdict "$adopt" "<=" 10)"

  say "distributed: Celery $("$PY" -c 'import celery; print(celery.__version__)'), same Redis as broker and result backend"
  local pool=${CELERY_POOL:-prefork}
  (cd "$ROOT/bench/peers/celery" && BENCH_REDIS="$url/1" exec "$PY" -m celery -A gyre_noop worker --pool "$pool" \
    --concurrency 2 --loglevel WARNING --without-gossip --without-mingle --without-heartbeat >>"$LOG" 2>&1) &
  cpid=$!
  out="$TMP/dist-celery.out"
  if (cd "$ROOT/bench/peers/celery" && BENCH_REDIS="$url/1" timeout 900 "$PY" throughput.py "$DIST_TASKS" "$RUNS") 2>>"$LOG" | tee -a "$LOG" >"$out"; then
    local celery
    celery=$(result "$out" distributed.celery.tasks_per_s)
    row "Celery, $(fmt "$DIST_TASKS") no-op tasks (apply_async + results), same Redis, $pool pool, concurrency 2" "$(fmt "$celery")" tasks/s "$RUNS+1w" "" "peer"
  else
    row "Celery, $(fmt "$DIST_TASKS") no-op tasks, same Redis" "failed" "" "" "" "see latest.log"
  fi
  kill "$cpid" 2>/dev/null || true
  wait "$cpid" 2>/dev/null || true

  # JobRunr pulls work every poll interval (5 s is its minimum) in batches sized by its worker count: with 2
  # workers 10,000 jobs take ~40 minutes (about 4 jobs/s measured), which is why this row once looked hung.
  # Its default on this machine is 16 workers; 64 is used here, its best of those tried.
  say "distributed: JobRunr 8.7.0 (open source: no Redis storage, so its in-memory storage), 64 workers"
  out="$TMP/dist-jobrunr.out"
  local jr
  if timeout "${JOBRUNR_TIMEOUT:-300}" "$JAVA" "${dist[@]}" jobrunr "$DIST_TASKS" --runs "$RUNS" --parallel "${JOBRUNR_WORKERS:-64}" 2>>"$LOG" | tee -a "$LOG" >"$out" \
    && jr=$(result "$out" distributed.jobrunr.tasks_per_s) && [ -n "$jr" ]; then
    row "JobRunr 8.7.0, $(fmt "$DIST_TASKS") no-op jobs, in-memory storage (not durable), ${JOBRUNR_WORKERS:-64} workers, 5 s poll" "$(fmt "$jr")" tasks/s "$RUNS+1w" "" "peer"
  else
    row "JobRunr 8.7.0, $(fmt "$DIST_TASKS") no-op jobs, in-memory storage" "failed" "" "" "" "did not finish (see latest.log)"
  fi

  run_distributed_cli "$url"

  pid=$(cat "$dir/redis.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
}

# The whole CLI path with process tasks: `gyre orchestrator` + 2 x `gyre worker --slots 2` on the same Redis, a flow of
# CLI_TASKS independent `command: ["true"]` tasks submitted with `gyre submit`, timed from the submit until the run
# directory's run.json says succeeded (read with grep: polling with `gyre status` would start a JVM per poll). Every
# task is a process spawn, so this row is bounded by the spawn rate (see the processes section), not by the store.
run_distributed_cli() {
  local url=$1 n=${CLI_TASKS:-1000} d="$TMP/dcli" pids=() rates=() r id t0 t1 state
  say "distributed: the CLI path, $n process tasks 'true', gyre orchestrator + 2 x gyre worker --slots 2"
  mkdir -p "$d"
  "$PY" bench/peers/generate.py gyre-flow "$n" "$TMP/cli-true.yaml"
  "$ROOT/gyre" orchestrator --store "$url/2" --data-dir "$d" >>"$LOG" 2>&1 &
  pids+=($!)
  for w in 1 2; do
    "$ROOT/gyre" worker --store "$url/2" --data-dir "$d" --slots 2 --name "bench-w$w" >>"$LOG" 2>&1 &
    pids+=($!)
  done
  for r in $(seq 0 "$RUNS"); do
    t0=$(date +%s.%N)
    if ! id=$("$ROOT/gyre" submit "$TMP/cli-true.yaml" --store "$url/2" --data-dir "$d" 2>>"$LOG"); then
      echo "## gyre submit failed" >>"$LOG"
      break
    fi
    state=""
    for _ in $(seq 6000); do
      state=$(grep -o '"state" *: *"[a-z]*"' "$d/runs/$id/run.json" 2>/dev/null | grep -o '[a-z]*"$' | tr -d '"' || true)
      case "$state" in succeeded | failed | cancelled) break ;; esac
      sleep 0.05
    done
    t1=$(date +%s.%N)
    echo "## cli run $r ($id): $state in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s" >>"$LOG"
    [ "$state" = succeeded ] || break
    [ "$r" -gt 0 ] && rates+=("$(awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { print n / (b - a) }')")
  done
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  if [ ${#rates[@]} -eq "$RUNS" ]; then
    local med
    med=$(printf '%s\n' "${rates[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    row "Gyre CLI over Redis, $(fmt "$n") process tasks 'true': gyre submit -> succeeded, 1 orchestrator + 2 workers x 2 slots" "$(fmt "$med")" tasks/s "$RUNS+1w" "" "spawn-bound"
  else
    row "Gyre CLI over Redis, $(fmt "$n") process tasks 'true'" "failed" "" "" "" "see latest.log"
  fi
}

# --- 5. merge: 1,000 snapshots of 1,000,000 doubles, Gyre vs NumPy vs boxed Java; Parquet vs gzip JSON -------------
run_merge() {
  local n=${MERGE_SNAPSHOTS:-1000} distinct=${MERGE_DISTINCT:-100} dir="$TMP/merge"
  say "merge: generating $distinct Parquet + .npy snapshot files of 1,000,000 doubles"
  "$JAVA" -Xmx1g -cp "$BENCH_CP" io.gyre.bench.MergeThroughput generate "$dir" --distinct "$distinct" 2>>"$LOG" | tee -a "$LOG" >/dev/null
  say "merge: Gyre, $n snapshots (file k % $distinct), -Xmx256m, values read from the pages into the merge, 2 stripes then 1"
  local out="$TMP/merge.out"
  "$JAVA" -Xmx256m -cp "$BENCH_CP" io.gyre.bench.MergeThroughput merge "$dir" --snapshots "$n" --threads 2 2>>"$LOG" | tee -a "$LOG" >"$out"
  "$JAVA" -Xmx256m -cp "$BENCH_CP" io.gyre.bench.MergeThroughput merge "$dir" --snapshots "$n" --threads 1 2>>"$LOG" | tee -a "$LOG" >"$out.1"
  say "merge: NumPy, the same $n snapshots from .npy files"
  "$PY" bench/peers/merge_numpy.py "$dir" "$n" | tee -a "$LOG" >"$TMP/numpy.out"
  local boxed=${MERGE_BOXED_SNAPSHOTS:-20}
  say "merge: naive boxed Java (List<Double>), $boxed snapshots"
  "$JAVA" -Xmx4g -cp "$BENCH_CP" io.gyre.bench.MergeThroughput boxed "$dir" --snapshots "$boxed" 2>>"$LOG" | tee -a "$LOG" >"$TMP/boxed.out"
  rm -rf "$dir"
  local g g1 np
  g=$(result "$out" merge.gyre.mb_per_s)
  g1=$(result "$out.1" merge.gyre.mb_per_s)
  np=$(result "$TMP/numpy.out" merge.numpy.mb_per_s)
  row "Gyre merge, $n Parquet snapshots x 1M doubles, weighted mean + stderr, fused page reads, 2 element stripes" "$(fmt "$g")" "MB/s" 1 ">= 1,000" "$(verdict "$g" ">=" 1000)"
  row "  same, one thread (fused page reads, one stripe)" "$(fmt "$g1")" "MB/s" 1 "" ""
  row "  peak heap (sampled, -Xmx256m; one result = $(fmt "$(result "$out" merge.gyre.result_mib)" 1) MiB)" "$(fmt "$(result "$out" merge.gyre.peak_heap_mib)")" MiB 1 "small multiple of one result" ""
  row "NumPy $(result "$TMP/numpy.out" merge.numpy.version), same values from .npy files, same shifted sums (float64)" "$(fmt "$np")" "MB/s" 1 "" "peer; max RSS $(fmt "$(result "$TMP/numpy.out" merge.numpy.max_rss_mib)") MiB"
  row "Gyre as a share of NumPy" "$(fmt "$(awk -v g="$g" -v n="$np" 'BEGIN { print 100 * g / n }')")" "%" "" "> 100%" "$(verdict "$g" ">=" "$np")"
  row "Naive boxed Java (List<Double> sums), $boxed snapshots" "$(fmt "$(result "$TMP/boxed.out" merge.boxed.mb_per_s)")" "MB/s" 1 "" "peak heap $(fmt "$(result "$TMP/boxed.out" merge.boxed.peak_heap_mib)") MiB"
  say "merge: one result of 1,000,000 doubles in each format"
  "$JAVA" -cp "$BENCH_CP" io.gyre.bench.ResultFormats "$TMP/formats" 2>>"$LOG" | tee -a "$LOG" >"$TMP/formats.out"
  local f="$TMP/formats.out" c l
  row "Parquet first use in a fresh JVM (write + read 1M doubles)" "$(fmt "$(result "$f" formats.parquet.first_use_ms)")" ms 1 "" ""
  for c in uncompressed snappy zstd; do
    for l in plain byte_stream_split; do
      row "Parquet $c $l: bytes / decode" "$(fmt "$(result "$f" "formats.parquet.$c.$l.bytes")") / $(fmt "$(result "$f" "formats.parquet.$c.$l.decode_ms")" 1)" "B / ms" "5+2w" "" "encode $(fmt "$(result "$f" "formats.parquet.$c.$l.encode_ms")" 1) ms"
    done
  done
  row "JSON: bytes / decode" "$(fmt "$(result "$f" formats.json.bytes)") / $(fmt "$(result "$f" formats.json.decode_ms)" 1)" "B / ms" "5+2w" "" ""
  row "gzip JSON: bytes / decode" "$(fmt "$(result "$f" formats.json_gzip.bytes)") / $(fmt "$(result "$f" formats.json_gzip.decode_ms)" 1)" "B / ms" "5+2w" "" "encode $(fmt "$(result "$f" formats.json_gzip.encode_ms)" 1) ms"
  row "DuckDB JDBC: first use / read 1M values into double[] / sum(value)" "$(fmt "$(result "$f" formats.duckdb.first_use_ms)") / $(fmt "$(result "$f" formats.duckdb.decode_ms)" 1) / $(fmt "$(result "$f" formats.duckdb.sum_ms)" 1)" ms "5+2w" "" "peer"
  say "merge: snapshot latency, file renamed into \$GYRE_RESULTS_DIR -> live merged view"
  "$JAVA" -cp "$BENCH_CP" io.gyre.bench.SnapshotLatency 2>>"$LOG" | tee -a "$LOG" >"$TMP/latency.out"
  local lat="$TMP/latency.out"
  row "Snapshot latency, 100-value JSON snapshot: p50 / p99" "$(fmt "$(result "$lat" latency.json_100.p50_ms)" 1) / $(fmt "$(result "$lat" latency.json_100.p99_ms)" 1)" ms 200 "p99 < 1,000" "$(verdict "$(result "$lat" latency.json_100.p99_ms)" "<=" 1000)"
  row "Snapshot latency, 1,000,000-value Parquet snapshot: p50 / p99" "$(fmt "$(result "$lat" latency.parquet_1m.p50_ms)" 1) / $(fmt "$(result "$lat" latency.parquet_1m.p99_ms)" 1)" ms 40 "p99 < 1,000" "$(verdict "$(result "$lat" latency.parquet_1m.p99_ms)" "<=" 1000)"
}

# --- main --------------------------------------------------------------------------------------------------------
ensure_peers
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
build
START=$(date -u +%Y-%m-%dT%H:%MZ)
wants engine && run_engine
wants planning && run_planning
wants peers && run_peers
wants processes && run_processes
wants distributed && run_distributed
wants merge && run_merge

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
CPU=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
JV=$("$JAVA" -version 2>&1 | head -1)
{
  echo "Gyre benchmarks, $START (sections: ${SECTIONS[*]})"
  echo
  echo "Machine: $(nproc) cores, $MEM, $CPU; $JV; load average at the end: $LOAD"
  echo
  echo "| what | figure | unit | runs (median) | target | reading |"
  echo "| --- | ---: | --- | --- | --- | --- |"
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$ROWS"
  echo
  echo "Runs: \"3+1w\" is the median of 3 measured runs after 1 warm-up. Command: bench/run-all.sh ${SECTIONS[*]}"
} | tee "$RESULTS/latest.md"
