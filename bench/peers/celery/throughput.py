"""Submits N no-op Celery tasks (apply_async) and waits for every result; prints RESULT lines like the Java
harnesses. A Celery worker (celery -A gyre_noop worker) must be serving the same Redis.

usage: throughput.py N RUNS
"""
import sys
import time

from celery.result import ResultSet

from gyre_noop import noop

n, runs = int(sys.argv[1]), int(sys.argv[2])
rates = []
for r in range(-1, runs):
    t0 = time.perf_counter()
    results = ResultSet([noop.apply_async() for _ in range(n)])
    results.join(timeout=600, propagate=True)
    s = time.perf_counter() - t0
    print(f"NOTE celery {'warm-up' if r < 0 else f'run {r + 1}'}: {n} tasks in {s:.3f} s = {n / s:.0f} tasks/s", flush=True)
    if r >= 0:
        rates.append(n / s)
rates.sort()
print(f"RESULT distributed.celery.tasks_per_s {rates[len(rates) // 2]:.1f} tasks/s", flush=True)
