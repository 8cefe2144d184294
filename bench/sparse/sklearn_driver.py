#!/usr/bin/env python3
"""scikit-learn's LogisticRegression on a dataset of make_data.py, driven by compare.py over the
line protocol of csr_file.hpp (the same as the C++ drivers').

The data are read into a scipy.sparse.csr_matrix, float64 with int32 indices and row pointers
(scikit-learn 1.2's liblinear and saga solvers reject 64-bit indices; the values and indices
are used without a copy), before any timing. Each fit is
LogisticRegression(penalty="l2", C=C, solver=S, tol=TOL, max_iter=a large cap,
intercept_scaling=B, random_state=0).fit(X, y), timed around fit() alone: its input validation
(check_array, which makes no copy of a float64 CSR with int32 indices), the label encoding, and
for liblinear the copy of X into its own feature_node arrays are included, as a user pays them.

Usage: sklearn_driver.py DATA.bin --solver lbfgs|newton-cg|liblinear|saga [--C C]
                         [--intercept-scaling B] [--max-iter M]
  then on stdin: "fit TOL REPS OUT" ... "quit"; each fit answers
  {"tol", "seconds", "cpu_seconds", "iterations" (n_iter_), "rss_kb", "peak_rss_kb"}.
"""
import argparse
import json
import os
import resource
import sys
import time
import warnings


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_kb(reset):
    return status_kb("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cpu():
    return time.process_time()  # user + system time of every thread of the process


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--solver", required=True)
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--intercept-scaling", type=float, default=1.0)
    parser.add_argument("--max-iter", type=int, default=1_000_000)
    args = parser.parse_args()

    import numpy as np
    import scipy
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_info

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import make_data

    baseline = status_kb("VmRSS")
    start = time.perf_counter()
    arrays = make_data.read(args.data, indptr_dtype=np.int32)
    X = make_data.scipy_csr(arrays)
    y = arrays["y"]
    load_seconds = time.perf_counter() - start
    loaded = status_kb("VmRSS")
    reset = reset_peak()
    n, d = X.shape
    emit({"ready": True, "tool": "sklearn", "solver": args.solver, "sklearn": sklearn.__version__,
          "scipy": scipy.__version__, "numpy": np.__version__, "n": n, "d": d, "nnz": int(X.nnz),
          "C": args.C, "intercept_scaling": args.intercept_scaling,
          "csr_bytes": make_data.csr_bytes(n, int(X.nnz)),
          "input_bytes": int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes + y.nbytes),
          "input": "scipy csr_matrix float64, int32 indices",
          "load_seconds": load_seconds, "baseline_rss_kb": baseline, "loaded_rss_kb": loaded,
          "peak_reset": reset,
          "threadpools": [{k: p.get(k) for k in ("internal_api", "num_threads", "architecture")}
                          for p in threadpool_info()]})
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] != "fit" or len(words) != 4:
            emit({"error": "unknown command: " + line.strip()})
            continue
        tol, reps, out = float(words[1]), int(words[2]), words[3]
        seconds, cpus, model = [], [], None
        for _ in range(reps):
            model = LogisticRegression(penalty="l2", C=args.C, solver=args.solver, tol=tol,
                                       max_iter=args.max_iter, fit_intercept=True,
                                       intercept_scaling=args.intercept_scaling, random_state=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                c0 = cpu()
                t0 = time.perf_counter()
                model.fit(X, y)
                seconds.append(time.perf_counter() - t0)
                cpus.append(cpu() - c0)
        assert list(model.classes_) == [0.0, 1.0]
        np.concatenate((model.coef_[0], model.intercept_)).astype("<f8").tofile(out)
        emit({"tol": tol, "seconds": seconds, "cpu_seconds": cpus,
              "iterations": int(np.max(model.n_iter_)), "rss_kb": status_kb("VmRSS"),
              "peak_rss_kb": peak_kb(reset)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
