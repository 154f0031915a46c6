"""Dask's threaded scheduler on the same shapes as EngineThroughput: N independent no-op tasks (tasks/s) and an
N-long chain (us per step). One warm-up run of each shape, then the median of --runs measured runs.
Prints `RESULT <key> <value> <unit>` lines like the Java harnesses."""
import argparse
import statistics
import sys
import time

import dask
import dask.threaded


def noop():
    return None


def step(_previous):
    return None


def wide_graph(n):
    return {f"t{i}": (noop,) for i in range(n)}


def chain_graph(n):
    dsk = {"c0": (noop,)}
    for i in range(1, n):
        dsk[f"c{i}"] = (step, f"c{i - 1}")
    return dsk


def timed(dsk, keys, workers):
    t0 = time.perf_counter()
    dask.threaded.get(dsk, keys, num_workers=workers)
    return time.perf_counter() - t0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--wide", type=int, default=100_000)
    p.add_argument("--chain", type=int, default=10_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--workers", type=int, default=2)
    a = p.parse_args()
    sys.setrecursionlimit(max(10_000, a.chain * 4))
    print(f"# dask {dask.__version__}, python {sys.version.split()[0]}, threaded scheduler, "
          f"num_workers={a.workers}", flush=True)
    for name, dsk, keys, n in (
        ("wide", wide_graph(a.wide), [f"t{i}" for i in range(a.wide)], a.wide),
        ("chain", chain_graph(a.chain), f"c{a.chain - 1}", a.chain),
    ):
        times = []
        for r in range(a.runs + 1):
            s = timed(dsk, keys, a.workers)
            print(f"# dask {name}-{n} {'warm-up' if r == 0 else f'run {r}'}: {s:.3f} s", flush=True)
            if r > 0:
                times.append(s)
        med = statistics.median(times)
        if name == "wide":
            print(f"RESULT dask.wide.tasks_per_s {n / med:.6g} tasks/s", flush=True)
        else:
            print(f"RESULT dask.chain.us_per_step {med * 1e6 / n:.6g} us/step", flush=True)


if __name__ == "__main__":
    main()
