#!/usr/bin/python3
"""scikit-learn L1 logistic regression on dense_logistic.csv next to glmnet and the exact optimum.

Run from the repository root after make_data.py and make_glmnet_reference.R (it reads
glmnet_sklearn_lambdas.txt, written by the R script):

    /usr/bin/python3 tests/reference/glmnet/make_sklearn_reference.py

(Debian's python3-sklearn 1.2; a few minutes on one core, nearly all of it liblinear.)

At each lambda in LAMBDAS (the objective's lambda; scikit-learn's C = 1 / (lambda * n), n = 300,
since sklearn minimises ||w||_1 + C sum_i loss_i = C n [ (1/n) sum_i loss_i + lambda ||w||_1 ]) it fits
  saga       LogisticRegression(penalty="l1", solver="saga", C, tol=1e-12, max_iter=SAGA_MAX_ITER,
             random_state=0)  (both solvers shuffle; random_state=0 makes the file reproducible)
  liblinear  LogisticRegression(penalty="l1", solver="liblinear", C, tol=1e-12,
             max_iter=LIBLINEAR_MAX_ITER, intercept_scaling=IS, random_state=0) for IS in INTERCEPT_SCALINGS:
             liblinear penalises the bias like a weight on a constant feature of value IS, i.e. adds
             lambda |b| / IS to J; a large IS makes that small but slows liblinear down. liblinear
             does not reach tol 1e-12 here: it runs to max_iter (1000; 100x more changes nothing
             but the time), so its answers are only ~1e-5 (relative) from the optimum
and writes sklearn_reference.txt. Every block holds the coefficients and intercept (17 significant
digits), the iteration count, J at that solution evaluated here in double,
    J(w, b) = mean_i [logaddexp(0, z_i) - y_i z_i] + lambda ||w||_1,   z = X w + b,
its KKT residual and its distance to the exact optimum. The glmnet and exact blocks are copied from
glmnet_sklearn_lambdas.txt (glmnet with lambda = LAMBDAS, thresh 1e-30, type.logistic Newton,
standardize FALSE) and J is re-evaluated here; an independent exact optimum (exact_solver.py,
scipy L-BFGS-B then active-set Newton) is written as tool "python_exact".

Format: '#' comment lines; 'case NAME' ... 'end' blocks of 'key values' lines (as glmnet_<case>.txt).
Keys: lambda, C, tool, setting (e.g. intercept_scaling), n_iter, intercept, coef (d values), J,
J_minus_exact (J - J of the R script's exact optimum, both evaluated here in double), J_mp (J with
mpmath at 40 digits, the inputs taken as the exact doubles; written with 25 digits), J_mp_minus_exact
(the same difference from the mpmath values, which resolves gaps below 1e-16), kkt (KKT residual for J,
incl. |dJ/db|), rel_diff_exact (max |theta - theta_exact| / max(1, |theta_exact|_inf), theta = (b, w)).
"""

import os
import sys
import time
import warnings

import mpmath
import numpy as np
import scipy
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ next to the references
sys.path.insert(0, HERE)
import exact_solver  # noqa: E402
from check_exact import parse_block, floats  # noqa: E402

LAMBDAS = [0.1, 0.02, 0.004]
SAGA_MAX_ITER = 1000000
LIBLINEAR_MAX_ITER = 1000
INTERCEPT_SCALINGS = [1e2, 1e4, 1e6]


def g17(v):
    v = float(v)
    return "0" if v == 0 else "%.17g" % v


def J(X, y, lam, w, b):
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, z) - y * z) + lam * np.abs(w).sum()


def J_mp(X, y, lam, w, b):
    """J with mpmath at 40 significant digits (inputs taken as the exact doubles)."""
    mpmath.mp.dps = 40
    wm = [mpmath.mpf(float(v)) for v in w]
    bm = mpmath.mpf(float(b))
    total = mpmath.mpf(0)
    for i in range(X.shape[0]):
        z = bm + mpmath.fsum(mpmath.mpf(float(X[i, j])) * wm[j] for j in range(X.shape[1]))
        sp = (z if z > 0 else 0) + mpmath.log1p(mpmath.exp(-abs(z)))
        total += sp - int(y[i]) * z
    return total / X.shape[0] + mpmath.mpf(float(lam)) * mpmath.fsum(abs(v) for v in wm)


def main():
    T = np.loadtxt(os.path.join(HERE, "dense_logistic.csv"), delimiter=",", skiprows=1)
    X, y = T[:, :-1], T[:, -1]
    n, d = X.shape
    s, p = np.ones(n), np.ones(d)
    G = parse_block(os.path.join(HERE, "glmnet_sklearn_lambdas.txt"))
    glam = floats(G, "lambda")
    assert np.array_equal(glam, np.array(LAMBDAS))
    ga0, ea0 = floats(G, "a0"), floats(G, "exact_a0")
    out = ["# scikit-learn L1 logistic regression vs glmnet vs the exact optimum on dense_logistic.csv",
           "# Written by tests/reference/glmnet/make_sklearn_reference.py; do not edit. Format: see the script's docstring.",
           "# J(w, b) = mean_i [logaddexp(0, z_i) - y_i z_i] + lambda ||w||_1 (n = %d, d = %d, alpha = 1, intercept, no weights);" % (n, d),
           "# sklearn C = 1 / (lambda n).",
           "# versions: scikit-learn %s, numpy %s, scipy %s, python %s; glmnet/R: see glmnet_sklearn_lambdas.txt" % (
               sklearn.__version__, np.__version__, scipy.__version__, sys.version.split()[0]),
           "# saga: tol 1e-12, max_iter %d; liblinear: tol 1e-12, max_iter %d, intercept_scaling %s" % (
               SAGA_MAX_ITER, LIBLINEAR_MAX_ITER, " ".join("%g" % v for v in INTERCEPT_SCALINGS))]
    summary = []
    for k, lam in enumerate(LAMBDAS, start=1):
        C = 1.0 / (lam * n)
        te = np.concatenate([[ea0[k - 1]], floats(G, ("exact_beta", k))])
        Je = J(X, y, lam, te[1:], te[0])
        Je_mp = J_mp(X, y, lam, te[1:], te[0])
        sols = [("glmnet", "thresh_1e-30", "-1", ga0[k - 1], floats(G, ("beta", k))),
                ("r_exact", "active_set_newton", "-1", te[0], te[1:])]
        w, b = exact_solver.solve(X, y, s, lam, 1.0, p, True)
        sols.append(("python_exact", "lbfgsb_then_active_set_newton", "-1", b, w))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            t0 = time.time()
            m = LogisticRegression(penalty="l1", solver="saga", C=C, tol=1e-12,
                                   max_iter=SAGA_MAX_ITER, random_state=0).fit(X, y)
            print("lambda %g saga: %d epochs, %.1fs" % (lam, m.n_iter_[0], time.time() - t0), flush=True)
            sols.append(("saga", "max_iter_%d" % SAGA_MAX_ITER, str(int(m.n_iter_[0])),
                         m.intercept_[0], m.coef_[0].copy()))
            for isc in INTERCEPT_SCALINGS:
                t0 = time.time()
                m = LogisticRegression(penalty="l1", solver="liblinear", C=C, tol=1e-12,
                                       max_iter=LIBLINEAR_MAX_ITER, intercept_scaling=isc,
                                       random_state=0).fit(X, y)
                print("lambda %g liblinear IS %g: %d iterations, %.1fs" % (
                    lam, isc, m.n_iter_[0], time.time() - t0), flush=True)
                sols.append(("liblinear", "intercept_scaling_%g" % isc, str(int(m.n_iter_[0])),
                             m.intercept_[0], m.coef_[0].copy()))
        for tool, setting, nit, b, w in sols:
            Jv = J(X, y, lam, w, b)
            Jm = J_mp(X, y, lam, w, b)
            kkt = exact_solver.kkt_residual(X, y, s, lam, 1.0, p, w, b, True)
            rel = np.abs(np.concatenate([[b], w]) - te).max() / max(1.0, np.abs(te).max())
            out += ["case lambda%d_%s_%s" % (k, tool, setting),
                    "lambda " + g17(lam), "C " + g17(C), "tool " + tool, "setting " + setting,
                    "n_iter " + nit, "intercept " + g17(b), "coef " + " ".join(g17(v) for v in w),
                    "df %d" % int((w != 0).sum()), "J " + g17(Jv), "J_minus_exact " + g17(Jv - Je),
                    "J_mp " + mpmath.nstr(Jm, 25), "J_mp_minus_exact " + g17(float(Jm - Je_mp)),
                    "kkt " + g17(kkt), "rel_diff_exact " + g17(rel), "end"]
            summary.append("# lambda %-6g %-13s %-32s n_iter %-7s J-J_exact: double %10.3g, mpmath %10.3g  kkt %9.3g  rel diff %9.3g" % (
                lam, tool, setting, nit, Jv - Je, float(Jm - Je_mp), kkt, rel))
            print(summary[-1], flush=True)
    out[6:6] = ["# summary:"] + summary
    with open(os.path.join(HERE, "sklearn_reference.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
