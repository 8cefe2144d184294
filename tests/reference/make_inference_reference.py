#!/usr/bin/python3
"""Reference values for tests/test_inference.cpp: statsmodels' Logit on real, non-separable data.

Run with Debian's interpreter (python3-statsmodels 0.13, python3-scipy):

    /usr/bin/python3 tests/reference/make_inference_reference.py

Data: the bundled breast-cancer set (examples/data/breast_cancer.csv, 569 samples), five of its
columns: mean_radius, mean_texture, mean_smoothness, mean_compactness, mean_symmetry, raw (not
standardized), label `benign`. All 30 columns together are linearly separable, so the maximum
likelihood estimate would not exist; this subset is not: the linear program
    find (w, b) with (2 y_i - 1)(x_i . w + b) >= 1 for every i
is infeasible (checked below with scipy's HiGHS), so the MLE exists and is unique. statsmodels
prints its "possibly complete quasi-separation" warning for this fit; that is a heuristic (12% of
the samples get fitted probabilities extremely close to 0 or 1), not separation.

statsmodels fits Logit(y, [X 1]) by Newton to tol 1e-12 (the constant last, as the library's bias).
Written next to this script, inference_reference.txt: one quantity per line, "name v1 v2 ...",
values printed with repr (shortest round-trip); vectors in the order x1..x5, const.
"""
import os

import numpy as np
import statsmodels.api as sm
from scipy.optimize import linprog

here = os.path.dirname(os.path.abspath(__file__))
data_path = os.path.join(here, "..", "..", "examples", "data", "breast_cancer.csv")
header = open(data_path).readline().strip().split(",")
data = np.loadtxt(data_path, delimiter=",", skiprows=1)
columns = ["mean_radius", "mean_texture", "mean_smoothness", "mean_compactness", "mean_symmetry"]
X = data[:, [header.index(c) for c in columns]]
y = data[:, -1]
n, d = X.shape

# Not separable: the LP above has no solution (HiGHS status 2, infeasible).
signs = 2 * y - 1
A = -(signs[:, None] * np.hstack([X, np.ones((n, 1))]))
lp = linprog(np.zeros(d + 1), A_ub=A, b_ub=-np.ones(n), bounds=[(None, None)] * (d + 1))
assert lp.status == 2, "the subset must not be separable"

model = sm.Logit(y, sm.add_constant(X, prepend=False))
fit = model.fit(method="newton", tol=1e-12, maxiter=200, disp=0)
assert fit.mle_retvals["converged"]
ci = fit.conf_int(alpha=0.05)

out_path = os.path.join(here, "inference_reference.txt")
with open(out_path, "w") as out:
    out.write("# statsmodels %s Logit on breast_cancer.csv columns %s (constant last);\n"
              % (sm.__version__, " ".join(columns)))
    out.write("# produced by make_inference_reference.py\n")
    out.write("columns " + " ".join(columns) + "\n")
    out.write("nobs %d\n" % n)

    def vector(name, values):
        out.write(name + " " + " ".join(repr(float(v)) for v in values) + "\n")

    vector("params", fit.params)
    vector("bse", fit.bse)
    vector("tvalues", fit.tvalues)
    vector("pvalues", fit.pvalues)
    vector("conf_low", ci[:, 0])
    vector("conf_high", ci[:, 1])
    vector("llf", [fit.llf])
    vector("llnull", [fit.llnull])
    vector("prsquared", [fit.prsquared])
    vector("aic", [fit.aic])
    vector("bic", [fit.bic])
    vector("llr", [fit.llr])
    vector("llr_pvalue", [fit.llr_pvalue])
    vector("score_max_abs", [np.max(np.abs(fit.mle_retvals["score"]))])
print(fit.summary())
print("wrote", out_path)
