#!/usr/bin/env python3
"""The blog post's epoch in numpy, timed: the per-epoch baseline users know.

usage: numpy_epoch.py N D DTYPE ORDER REPS
  DTYPE float32|float64, ORDER C (row-major) | F (column-major).
Prints one line: the median epoch time in milliseconds, then the BLAS kernel in use.

The epoch is the seed's vectorised forward and backward pass (with the mean cost, as the
library's default): z = X w + b, a = sigmoid(z), the cross-entropy from a, dw = X^T (a - y) / n,
db = mean(a - y). Threads: as many as OPENBLAS_NUM_THREADS (or OMP_NUM_THREADS) allow.
"""
import sys
import time

import numpy as np


def epoch(X, y, w, b):
    n = X.shape[0]
    z = X @ w + b
    a = 1.0 / (1.0 + np.exp(-z))
    cost = -np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)) / n
    r = a - y
    dw = X.T @ r / n
    db = np.sum(r) / n
    return cost, dw, db


def main():
    n, d, dtype, order, reps = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    rng = np.random.default_rng(42)
    X = np.asarray(rng.standard_normal((n, d), dtype=np.float64), dtype=dtype, order=order)
    y = (rng.random(n) < 0.5).astype(dtype)
    w = (0.1 * rng.standard_normal(d)).astype(dtype)
    b = np.asarray(0.1, dtype=dtype)
    epoch(X, y, w, b)  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        epoch(X, y, w, b)
        times.append(time.perf_counter() - t0)
    kernel = "unknown"
    try:
        import threadpoolctl
        info = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
        if info:
            kernel = f"{info[0].get('internal_api')}:{info[0].get('architecture')}:{info[0].get('num_threads')}"
    except ImportError:
        pass
    print(f"{np.median(times) * 1e3:.6f} {kernel}")


if __name__ == "__main__":
    main()
