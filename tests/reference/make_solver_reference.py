#!/usr/bin/python3
"""Reference optima for tests/test_solvers.cpp, tests/test_standardize.cpp and tests/test_weights.cpp.

Run with Debian's interpreter, which has python3-sklearn (1.2) and python3-statsmodels:

    /usr/bin/python3 tests/reference/make_solver_reference.py

It writes, next to itself:
  solver_reference.txt   one block per case: the case's data and options, and the optimum
                         (intercept, coefficients on the original scale, and J at the optimum)
  ill_conditioned.csv    the synthetic data set (header line, 7 features, label last)
  weights_breast_cancer.csv  the sample weights of the weighted case (one per line)
  solver_agreement.txt   how well the tools agree with each other (also printed)

The cost is the library's (DESIGN.md):
    J(w, b) = (1/S) sum_i s_i [softplus(z_i) - y_i z_i] + (l2/2) ||w||^2,  z = X w + b,
so scikit-learn's C is 1 / (l2 * S) (S = sum of the effective sample weights; S = n unweighted).
With standardize, the model is fitted on Z = (X - mu) / sigma (sample-weighted mean and population
standard deviation) and the penalty falls on the standardized weights v; the file gives the
original-scale w = v / sigma and b = c - mu . w, and J is the standardized objective.

The references are scikit-learn's LogisticRegression with tol=1e-12 and a large max_iter (the lower
cost of newton-cg and newton-cholesky; lbfgs is shown for comparison), cross-checked with statsmodels:
Logit (Newton) where l2 = 0 and unweighted, else GLM Binomial fit_regularized with L1_wt = 0 (ridge,
the constant unpenalised), whose coordinate-descent solver agrees less closely (see the table). J at the optimum is
evaluated here with mpmath at 40 significant digits. The max-norm of the gradient at the reference
(in double) is printed as evidence that the reference is converged.
"""
import os
import sys
import warnings

import mpmath
import numpy as np
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "examples", "data")
mpmath.mp.dps = 40


def load_csv(path):
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    return table[:, :-1], table[:, -1]


def cost_mp(X, y, s, w, b, l2, penalised):
    """J at (w, b) with mpmath; `penalised` is the weight vector the L2 term uses."""
    total = mpmath.mpf(0)
    S = mpmath.mpf(0)
    wm = [mpmath.mpf(float(v)) for v in w]
    bm = mpmath.mpf(float(b))
    for i in range(X.shape[0]):
        z = bm + mpmath.fsum(mpmath.mpf(float(X[i, j])) * wm[j] for j in range(X.shape[1]))
        softplus = (z if z > 0 else 0) + mpmath.log1p(mpmath.exp(-abs(z)))
        si = mpmath.mpf(float(s[i]))
        total += si * (softplus - int(y[i]) * z)
        S += si
    penalty = mpmath.mpf(float(l2)) / 2 * mpmath.fsum(mpmath.mpf(float(v)) ** 2 for v in penalised)
    return total / S + penalty


def cost_np(X, y, s, w, b, l2):
    """J at (w, b) in double, for comparing the tools."""
    z = X @ w + b
    loss = np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))) - y * z
    return float((s * loss).sum() / s.sum() + l2 / 2 * (w @ w))


def gradient(X, y, s, w, b, l2):
    z = X @ w + b
    a = 1.0 / (1.0 + np.exp(-z))
    S = s.sum()
    r = s * (a - y)
    return np.concatenate([X.T @ r / S + l2 * w, [r.sum() / S]])


def sklearn_fit(X, y, s, l2, solver):
    S = s.sum()
    kwargs = dict(tol=1e-12, max_iter=100000, solver=solver)
    if l2 > 0:
        model = LogisticRegression(C=1.0 / (l2 * S), **kwargs)
    else:
        model = LogisticRegression(penalty="none", **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y, sample_weight=s)
    return model.coef_.ravel().copy(), float(model.intercept_[0])


def statsmodels_fit(X, y, s, l2):
    """statsmodels: Logit (Newton) when l2 = 0 and unweighted; else GLM Binomial with ridge."""
    A = sm.add_constant(X, has_constant="add")
    warnings.simplefilter("ignore")
    if l2 == 0 and np.all(s == 1):
        res = sm.Logit(y, A).fit(method="newton", maxiter=200, tol=1e-14, disp=0)
        params = res.params
    else:
        # GLM's ridge objective is -loglike/N + (alpha/2)||params||^2 with freq_weights counted in
        # N; alpha = 0 for the constant leaves the bias unpenalised.
        alpha = np.full(A.shape[1], l2)
        alpha[0] = 0.0
        model = sm.GLM(y, A, family=sm.families.Binomial(), freq_weights=s * len(s) / s.sum())
        res = model.fit_regularized(alpha=alpha, L1_wt=0.0, maxiter=10000, cnvrg_tol=1e-14)
        params = res.params
    return np.asarray(params[1:]), float(params[0])


def rel(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def make_ill_conditioned(seed=20240611, n=2000):
    """7 features with scales 1e-3 ... 1e3, correlated, labels drawn from the model (not separable)."""
    rng = np.random.default_rng(seed)
    d = 7
    scales = np.logspace(-3, 3, d)
    base = rng.standard_normal((n, d))
    base[:, 1] += 0.8 * base[:, 0]          # some correlation between columns
    base[:, 4] += 0.5 * base[:, 3]
    X = base * scales + 0.5 * scales        # non-zero means as well
    w_true = np.array([0.8, -0.5, 0.6, 1.0, -0.7, 0.4, 0.3]) / scales
    z = (X - 0.5 * scales) @ w_true + 0.2
    y = (rng.uniform(size=n) < 1.0 / (1.0 + np.exp(-z))).astype(float)
    return X, y


REPORT = []


def say(line):
    """Prints a line of the agreement table and keeps it for solver_agreement.txt."""
    print(line)
    REPORT.append(line)


def main():
    Xbc, ybc = load_csv(os.path.join(DATA, "breast_cancer.csv"))
    Xdg, digit = load_csv(os.path.join(DATA, "digits.csv"))
    Xdg, ydg = Xdg[:1000], (digit[:1000] == 2).astype(float)

    Xil, yil = make_ill_conditioned()
    with open(os.path.join(HERE, "ill_conditioned.csv"), "w") as out:
        out.write(",".join("x%d" % j for j in range(Xil.shape[1])) + ",label\n")
        for row, label in zip(Xil, yil):
            out.write(",".join(repr(float(v)) for v in row) + ",%d\n" % int(label))
    Xil, yil = load_csv(os.path.join(HERE, "ill_conditioned.csv"))  # exactly what the tests read

    rng = np.random.default_rng(7)
    w_bc = np.round(rng.uniform(0.25, 4.0, size=Xbc.shape[0]), 3)
    with open(os.path.join(HERE, "weights_breast_cancer.csv"), "w") as out:
        out.write("weight\n")
        for v in w_bc:
            out.write(repr(float(v)) + "\n")
    w_bc = np.loadtxt(os.path.join(HERE, "weights_breast_cancer.csv"), skiprows=1)

    datasets = {
        "breast_cancer": (Xbc, ybc),
        "digits_is_2_first_1000": (Xdg, ydg),
        "ill_conditioned": (Xil, yil),
    }
    # name, data, l2, standardize, class_weight, sample weights (None or the weights file)
    cases = [
        ("breast_cancer_raw_l2", "breast_cancer", 1e-3, False, "none", None),
        ("breast_cancer_standardized_l2", "breast_cancer", 1e-2, True, "none", None),
        ("digits_is_2_l2", "digits_is_2_first_1000", 1e-3, False, "none", None),
        ("breast_cancer_weighted_l2", "breast_cancer", 1e-3, False, "none", "weights_breast_cancer.csv"),
        ("digits_is_2_balanced_l2", "digits_is_2_first_1000", 1e-3, False, "balanced", None),
        ("ill_conditioned_l2", "ill_conditioned", 1e-3, False, "none", None),
        ("ill_conditioned_no_penalty", "ill_conditioned", 0.0, False, "none", None),
    ]

    lines = ["# Written by tests/reference/make_solver_reference.py; do not edit.",
             "# One block per case; the optimum minimises J = (1/S) sum s_i loss_i + (l2/2)||v||^2."]
    say("%-30s %-15s %9s  %-17s  %-17s  %-17s  %-17s" % (
        "case", "reference", "max|grad|", "newton-cg", "newton-cholesky", "sklearn lbfgs",
        "statsmodels"))
    for name, data, l2, standardize, class_weight, weights_file in cases:
        X, y = datasets[data]
        n = X.shape[0]
        s = np.ones(n) if weights_file is None else w_bc.copy()
        if class_weight == "balanced":
            counts = np.array([(y == 0).sum(), (y == 1).sum()])
            cw = n / (2.0 * counts)
            s = s * cw[y.astype(int)]
        if standardize:
            mu = (s[:, None] * X).sum(0) / s.sum()
            sigma = np.sqrt((s[:, None] * (X - mu) ** 2).sum(0) / s.sum())
            sigma[sigma == 0] = 1.0
            Xfit = (X - mu) / sigma
        else:
            Xfit = X
        fits = {
            "newton-cg": sklearn_fit(Xfit, y, s, l2, "newton-cg"),
            "newton-cholesky": sklearn_fit(Xfit, y, s, l2, "newton-cholesky"),
            "lbfgs": sklearn_fit(Xfit, y, s, l2, "lbfgs"),
            "statsmodels": statsmodels_fit(Xfit, y, s, l2),
        }
        costs = {tool: cost_np(Xfit, y, s, v, c, l2) for tool, (v, c) in fits.items()}
        # The reference: the lower cost of scikit-learn's two Newton solvers (both at tol=1e-12).
        kept = min(("newton-cg", "newton-cholesky"), key=lambda tool: costs[tool])
        v, c = fits[kept]
        theta = np.concatenate([v, [c]])
        J = cost_mp(Xfit, y, s, v, c, l2, v)
        g = gradient(Xfit, y, s, v, c, l2)
        row = "%-30s %-15s %9.2e" % (name, kept, np.abs(g).max())
        for tool in ("newton-cg", "newton-cholesky", "lbfgs", "statsmodels"):
            tv, tc = fits[tool]
            row += "  %8.1e %8.1e" % (rel(np.concatenate([tv, [tc]]), theta),
                                      (costs[tool] - float(J)) / float(J))
        say(row)
        if standardize:
            w = v / sigma
            b = c - mu @ w
        else:
            w, b = v, c
        lines.append("case " + name)
        lines.append("data " + data)
        lines.append("l2 %r" % l2)
        lines.append("standardize %d" % int(standardize))
        lines.append("class_weight " + class_weight)
        lines.append("sample_weight " + (weights_file or "none"))
        lines.append("cost " + mpmath.nstr(J, 20))
        lines.append("bias %r" % float(b))
        lines.append("weights " + " ".join(repr(float(x)) for x in w))
        lines.append("end")
    with open(os.path.join(HERE, "solver_reference.txt"), "w") as out:
        out.write("\n".join(lines) + "\n")
    say("Per tool: relative distance (2-norm over the fitted w and b) to the reference, then")
    say("(J_tool - J_ref) / J_ref. max|grad|: the gradient's max-norm at the reference (double).")
    with open(os.path.join(HERE, "solver_agreement.txt"), "w") as out:
        out.write("\n".join(REPORT) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
