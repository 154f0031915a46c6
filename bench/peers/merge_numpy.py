"""The merge benchmark's NumPy peer: the same weighted mean with variance over the same snapshots.

NumPy reads the values from .npy files (written by MergeThroughput generate next to the Parquet files, same
doubles): Debian's pandas has no pyarrow, so NumPy cannot read Parquet here. Snapshot k is file k % distinct with
weight weights.txt[k % distinct], as in the Java harness. Shifted sums like Gyre's (d = x - K, K = the first
snapshot), in plain float64 (Gyre keeps double-double sums). In-place operations, so memory stays at a few arrays.

    merge_numpy.py DIR SNAPSHOTS   prints RESULT lines
"""
import glob
import os
import resource
import sys
import time

import numpy as np


def main():
    d, n = sys.argv[1], int(sys.argv[2])
    files = sorted(glob.glob(os.path.join(d, "s*.npy")))
    weights = [float(w) for w in open(os.path.join(d, "weights.txt")).read().split()]
    distinct = len(files)

    def run(count):
        shift = s = s2 = tmp = None
        total = 0.0
        values = 0
        for k in range(count):
            x = np.load(files[k % distinct])
            w = weights[k % distinct]
            if shift is None:
                shift = x.copy()
                s = np.zeros_like(x)
                s2 = np.zeros_like(x)
                tmp = np.empty_like(x)
            np.subtract(x, shift, out=x)
            np.multiply(x, w, out=tmp)
            s += tmp
            tmp *= x
            s2 += tmp
            total += w
            values += x.size
        mean = shift + s / total
        m2 = np.maximum(s2 - s * s / total, 0)
        se = np.sqrt(m2 / (count - 1) / total)
        return values, mean, se

    run(max(distinct, n // 10))  # warm-up, as the Java harness does
    t0 = time.perf_counter()
    values, mean, se = run(n)
    secs = time.perf_counter() - t0
    mb = values * 8 / 1e6
    print(f"# numpy {np.__version__}: {n} snapshots in {secs:.2f} s, mean[0] = {mean[0]:.6f} +- {se[0]:.6f}")
    print(f"RESULT merge.numpy.mb_per_s {mb / secs:.6g} MB/s")
    print(f"RESULT merge.numpy.seconds {secs:.6g} s")
    print(f"RESULT merge.numpy.max_rss_mib {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.6g} MiB")
    print(f"RESULT merge.numpy.check_mean0 {mean[0]:.6g}")
    print(f"RESULT merge.numpy.check_stderr0 {se[0]:.6g}")
    print(f"RESULT merge.numpy.version {np.__version__}")


main()
