#!/usr/bin/python3
"""bench/path: scikit-learn's L1 path and LogisticRegressionCV on the files that `path_bench prepare`
wrote, timed inside Python (the peer of glmnet_bench.R).

    /usr/bin/python3 sklearn_bench.py DIR SET REPS SOLVER TOL [PENALTY]

Debian's python3 (python3-sklearn 1.2, numpy, scipy, threadpoolctl); a python3 earlier on PATH
(pyenv) may not have scikit-learn. SOLVER: saga or liblinear; TOL: the solver's own tol (saga: the
largest change of a weight in an epoch relative to the largest weight; liblinear: the norm of the
projected gradient relative to the first one), not glmnet's thresh. PENALTY: l1 (default) or
elasticnet (saga only; l1_ratio from PATH_BENCH_L1_RATIO, default 0.5).

The objective: glmnet and ours minimise J = (1/n) sum_i loss_i + lambda [alpha |w|_1 +
(1 - alpha)/2 |w|^2], bias unpenalised; scikit-learn minimises C sum_i loss_i + l1_ratio |w|_1 +
(1 - l1_ratio)/2 |w|^2, which is J / lambda when C = 1 / (n lambda) and l1_ratio = alpha: the same
minimiser. So the path runs C_k = 1 / (n lambda_k) over the file's grid, in its order.
Elastic net is a different problem from the lasso path: its row is not comparable to glmnet's or
ours' lasso row, only to theirs run with PATH_BENCH_ALPHA = the same l1_ratio (whose grid is the
lasso's divided by alpha, as here; its files are SET_alpha<l1_ratio>.*, as theirs, and
`PATH_BENCH_ALPHA=<l1_ratio> path_bench accuracy` reads them).

Environment: PATH_BENCH_NO_CV=1 skips the CV. PATH_BENCH_LAMBDAS=k keeps the first k lambdas of the
grid (quick tests). PATH_BENCH_BUDGET_S=B stops each path B seconds after its start, even inside a
fit (path_stopped_at_budget counts the repetitions it stopped), and reports the lambdas it finished
(lambdas_done k), so that a slow peer is reported as "more than B s for k of 100 lambdas"; with a
budget the CV runs on the first k Cs only (printed as cv_Cs k), without one on them all.
PATH_BENCH_CV_BUDGET_S=B likewise stops each CV after B seconds (cv_stopped_at_budget; no
lambda_min_index then). Convergence warnings are counted, not shown.

Writes DIR/SET.sklearn_<solver>_beta (d x k, column-major, as glmnet_beta) and _a0 (k) for
`path_bench accuracy`, and prints one line in glmnet_bench.R's key/value format.
"""
import multiprocessing
import os
import statistics
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp

try:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
    from sklearn.model_selection import PredefinedSplit
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError as error:
    sys.exit(f"sklearn_bench.py: {error}: run it with Debian's /usr/bin/python3 (python3-sklearn)")

# liblinear penalises the bias: it fits w_{d+1} with bias = intercept_scaling * w_{d+1}, so J gains
# lambda |bias| / intercept_scaling. 100 makes that 100 times smaller than the weights' penalty
# (larger values slow liblinear down); its path is near, not at, the unpenalised-bias optimum, and
# path_bench accuracy's KKT residual (which includes |d J / d bias|) shows by how much.
INTERCEPT_SCALING = 100.0
MAX_ITER = 100000  # saga: epochs, liblinear: Newton iterations; large, so that tol decides


def read(base, name, dtype, count=-1):
    return np.fromfile(base + "." + name, dtype=dtype, count=count)


def load(directory, name):
    """X (C-ordered dense or CSR, as saga and liblinear read rows), y, grid, folds. The layout
    conversions happen here, outside the timed region, so that fit does not copy X."""
    base = os.path.join(directory, name)
    n, d = (int(v) for v in read(base, "shape", np.int32, 2))
    y = read(base, "y", np.float64, n)
    if name == "sparse":
        colptr = read(base, "colptr", np.int32, d + 1)
        nnz = int(colptr[-1])
        X = sp.csc_matrix((read(base, "values", np.float64, nnz), read(base, "rowind", np.int32, nnz),
                           colptr), shape=(n, d)).tocsr()
    else:
        X = np.ascontiguousarray(read(base, "x", np.float64, n * d).reshape((d, n)).T)  # column-major file
    return base, X, y, read(base, "grid", np.float64, 100), read(base, "folds", np.int32, n)


def solver_options(solver, penalty, l1_ratio):
    """The options both LogisticRegression and LogisticRegressionCV take, beside C or Cs."""
    options = {"penalty": penalty, "solver": solver, "max_iter": MAX_ITER, "fit_intercept": True,
               "random_state": 0}  # saga's sampling order, seeded for repeatable runs
    if solver == "liblinear":
        options["intercept_scaling"] = INTERCEPT_SCALING
    return options


def median_text(times):
    return f"{statistics.median(times):.4f}" if times else "NA"  # NA as glmnet_bench.R's


def convergence_warnings(recorded):
    return sum(issubclass(w.category, ConvergenceWarning) for w in recorded)


def show_others(recorded):
    """The recorded warnings other than the counted convergence ones, shown as usual."""
    for w in recorded:
        if not issubclass(w.category, ConvergenceWarning):
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)


def path_steps(X, y, Cs, model):
    """Fits model at each C in turn; yields ("start", t0), then after each fit ("step", t, coef,
    bias, iterations, convergence warnings so far)."""
    with warnings.catch_warnings(record=True) as recorded:
        warnings.simplefilter("always", ConvergenceWarning)
        yield ("start", time.perf_counter())
        for C in Cs:
            model.set_params(C=C)
            model.fit(X, y)
            yield ("step", time.perf_counter(), model.coef_.ravel().copy(), float(model.intercept_[0]),
                   int(model.n_iter_.max()), convergence_warnings(recorded))
    show_others(recorded)


def cv_steps(X, y, cv):
    """Fits the LogisticRegressionCV cv; yields ("start", t0), then ("step", t, its C, warnings)."""
    with warnings.catch_warnings(record=True) as recorded:
        warnings.simplefilter("always", ConvergenceWarning)
        yield ("start", time.perf_counter())
        cv.fit(X, y)
        yield ("step", time.perf_counter(), float(cv.C_[0]), convergence_warnings(recorded))
    show_others(recorded)


def run(steps, budget):
    """The items of the generator steps and the seconds from its start to its end, or to the budget.
    Without a budget it runs here. With one it runs in a forked child (which shares X) that sends
    each item through a pipe and is killed budget seconds after its start: saga can spend minutes
    on one lambda, so a check between lambdas would not stop it. Returns (items, seconds, stopped)."""
    if budget == float("inf"):
        items = list(steps)
        return items, items[-1][1] - items[0][1], False
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child():
        for item in steps:
            send.send(item)

    process = context.Process(target=child)
    process.start()
    send.close()
    items, deadline, stopped = [], None, False
    while True:
        if not receive.poll(None if deadline is None else max(0.0, deadline - time.perf_counter())):
            stopped = True
            break
        try:
            items.append(receive.recv())
        except EOFError:  # the child is done
            break
        if items[-1][0] == "start":
            deadline = items[-1][1] + budget  # perf_counter: CLOCK_MONOTONIC, the same in both processes
    end = time.perf_counter()
    if stopped:
        process.terminate()
    process.join()
    if not stopped and process.exitcode != 0:
        sys.exit(f"sklearn_bench.py: the timed child failed (exit code {process.exitcode})")
    return items, (end if stopped else items[-1][1]) - items[0][1], stopped


def main():
    if len(sys.argv) not in (6, 7):
        sys.exit("usage: sklearn_bench.py DIR SET REPS SOLVER TOL [PENALTY]")
    directory, name, reps, solver, tol = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
    penalty = sys.argv[6] if len(sys.argv) > 6 else "l1"
    if solver not in ("saga", "liblinear") or penalty not in ("l1", "elasticnet") or (
            penalty == "elasticnet" and solver != "saga"):
        sys.exit("sklearn_bench.py: SOLVER saga or liblinear, PENALTY l1 or elasticnet (saga only)")
    l1_ratio = float(os.environ.get("PATH_BENCH_L1_RATIO", "0.5")) if penalty == "elasticnet" else 1.0
    budget = float(os.environ.get("PATH_BENCH_BUDGET_S", "inf"))
    cv_budget = float(os.environ.get("PATH_BENCH_CV_BUDGET_S", "inf"))
    base, X, y, grid, folds = load(directory, name)
    n, d = X.shape
    if os.environ.get("PATH_BENCH_LAMBDAS"):
        grid = grid[:int(os.environ["PATH_BENCH_LAMBDAS"])]
    grid = grid / l1_ratio  # lambda_max(alpha) = lambda_max(1) / alpha, as path_bench and glmnet_bench.R
    Cs = 1.0 / (n * grid)   # scikit-learn minimises C sum loss + penalty, J / lambda (see the top)
    options = solver_options(solver, penalty, l1_ratio)
    path_times, cv_times, done_runs, path_stops, cv_stops = [], [], [], 0, 0
    warned = {"path": 0, "cv": 0}
    # One thread: glmnet and ours run on one. saga and liblinear are serial themselves; the limit
    # keeps OpenBLAS and OpenMP (row norms, scoring) on one thread too.
    with threadpool_limits(limits=1):
        threads = max(info["num_threads"] for info in threadpool_info())
        for _ in range(reps):
            # One estimator along the grid: saga warm-starts each lambda from the last (as glmnet
            # does); liblinear cannot warm-start, so each of its fits starts from zero.
            model = LogisticRegression(C=Cs[0], tol=tol, warm_start=(solver == "saga"),
                                       **({"l1_ratio": l1_ratio} if penalty == "elasticnet" else {}), **options)
            items, seconds, stopped = run(path_steps(X, y, Cs, model), budget)
            steps = items[1:]
            path_times.append(seconds)
            path_stops += stopped
            done_runs.append(len(steps))
            warned["path"] += steps[-1][5] if steps else 0
        done = min(done_runs)
        beta, a0 = [s[2] for s in steps[:done]], [s[3] for s in steps[:done]]  # the last repetition's
        iters = sum(s[4] for s in steps[:done])
        # LogisticRegressionCV (scikit-learn 1.2) runs each fold's path over Cs in the order given
        # (no sorting), warm-starting saga from the previous C (liblinear again from zero), scores
        # each fold's C by its mean log loss, then refits on all rows at the best C from the folds'
        # mean coefficients. Its C is the same on the folds' 0.9 n rows as on all n, so a fold
        # fits lambda_k n / n_train, about 1.11 lambda_k, where cv.glmnet fits lambda_k.
        cv_Cs = Cs[:done] if budget != float("inf") else Cs
        C_min = None
        for _ in range(reps if os.environ.get("PATH_BENCH_NO_CV", "") == "" and len(cv_Cs) else 0):
            cv = LogisticRegressionCV(Cs=list(cv_Cs), cv=PredefinedSplit(folds), tol=tol,
                                      scoring="neg_log_loss", n_jobs=1, refit=True,
                                      **({"l1_ratios": [l1_ratio]} if penalty == "elasticnet" else {}), **options)
            items, seconds, stopped = run(cv_steps(X, y, cv), cv_budget)
            cv_times.append(seconds)
            cv_stops += stopped
            if not stopped:
                C_min = items[1][2]
                warned["cv"] += items[1][3]
    tool = "sklearn_" + solver + ("" if penalty == "l1" else "_elasticnet")
    out = base if l1_ratio == 1 else base + "_alpha" + format(l1_ratio, "g")  # as path_bench's %g
    if done:
        np.column_stack(beta).ravel(order="F").astype(np.float64).tofile(out + "." + tool + "_beta")
        np.asarray(a0, dtype=np.float64).tofile(out + "." + tool + "_a0")
    else:  # no lambda within the budget: no files, and none left from an earlier run
        for suffix in ("_beta", "_a0"):
            if os.path.exists(out + "." + tool + suffix):
                os.remove(out + "." + tool + suffix)
    # 0-based index into the decreasing grid (Cs keep its order); -1 without CV, as glmnet_bench.R
    lambda_min = int(np.flatnonzero(cv_Cs == C_min)[0]) if C_min is not None else -1
    print(f"{tool} {name} path_median_s {median_text(path_times)} cv_median_s {median_text(cv_times)} "
          f"reps {reps} tol {tol:g} penalty {penalty} l1_ratio {l1_ratio:g} "
          f"path_runs {' '.join(f'{t:.4f}' for t in path_times)} cv_runs {' '.join(f'{t:.4f}' for t in cv_times)} "
          f"lambdas_done {done} lambdas_grid {len(grid)} budget_s {budget:g} path_stopped_at_budget {path_stops} "
          f"cv_Cs {len(cv_Cs) if cv_times else 0} cv_budget_s {cv_budget:g} cv_stopped_at_budget {cv_stops} "
          f"iters {iters} nnz_last {int(np.count_nonzero(beta[-1])) if done else -1} "
          f"lambda_min_index {lambda_min} threadpool_threads {threads} "
          f"convergence_warnings_path {warned['path']} convergence_warnings_cv {warned['cv']}")


if __name__ == "__main__":
    main()
