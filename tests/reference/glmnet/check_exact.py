#!/usr/bin/python3
"""Independent check of the exact optima in exact_<case>.txt (and of the file format).

Run from the repository root after make_glmnet_reference.R:

    /usr/bin/python3 tests/reference/glmnet/check_exact.py

For every path case it parses glmnet_<case>.txt and exact_<case>.txt the way a C++ test would
(whitespace-separated tokens, strtod-exact doubles), re-solves the problem at 7 lambdas of the path
(k = 1, 2 and five evenly spread positions up to the last) with exact_solver.solve started from scipy's
L-BFGS-B from zero (so neither glmnet's nor the R script's solution is used), and writes
exact_crosscheck.txt: per lambda, the KKT residual of the Python optimum and its max relative
difference from the R script's exact optimum and from glmnet's solution (relative to
max(1, |(b, w)|_inf)), and J(python) - J(exact in file).
"""

import os
import sys

import numpy as np
import scipy
import sklearn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ next to the references
sys.path.insert(0, HERE)
import exact_solver  # noqa: E402

CASES = ["dense_l1", "dense_en_pf_w", "dense_l1_noint", "breast_cancer_l1", "breast_cancer_en02",
         "sparse_l1", "sparse_en05"]


def parse_block(path):
    """{key: list of token lists}; 'beta k ...' style keys are stored as (key, k)."""
    out = {}
    with open(path) as f:
        for raw in f:
            if raw.startswith("#") or not raw.strip():
                continue
            tok = raw.split()
            key = tok[0]
            if key in ("beta", "exact_beta", "deviance_fold", "class_fold", "auc_fold"):
                out[(key, int(tok[1]))] = tok[2:]
            else:
                out.setdefault(key, []).append(tok[1:])
    return out


def floats(block, key):
    return np.array([float(t) for t in (block[key][0] if isinstance(key, str) else block[key])])


def load_data(name, d_sparse=1000):
    path = os.path.join(HERE, name)
    if name.endswith(".csv"):
        T = np.loadtxt(path, delimiter=",", skiprows=1)
        return T[:, :-1], T[:, -1]
    rows = open(path).read().split("\n")
    rows = [r for r in rows if r.strip()]
    X = np.zeros((len(rows), d_sparse))
    y = np.zeros(len(rows))
    for i, r in enumerate(rows):
        tok = r.split()
        y[i] = float(tok[0])
        for kv in tok[1:]:
            j, v = kv.split(":")
            X[i, int(j) - 1] = float(v)
    return X, y


def main():
    lines = ["# Independent re-solve of exact_<case>.txt with tests/reference/glmnet/exact_solver.py",
             "# (scipy L-BFGS-B from zero, then active-set Newton), written by check_exact.py; do not edit.",
             "# numpy %s, scipy %s, scikit-learn %s, python %s" % (
                 np.__version__, scipy.__version__, sklearn.__version__, sys.version.split()[0]),
             "# columns: case k lambda df_python kkt_python reldiff_vs_exact_file reldiff_vs_glmnet "
             "J_python-J_exact_file  (reldiff = max |theta_a - theta_b| / max(1, |theta_b|_inf), theta = (b, w))"]
    worst = 0.0
    for case in CASES:
        G = parse_block(os.path.join(HERE, "glmnet_%s.txt" % case))
        E = parse_block(os.path.join(HERE, "exact_%s.txt" % case))
        X, y = load_data(G["data"][0][0])
        n, d = int(G["n"][0][0]), int(G["d"][0][0])
        assert X.shape == (n, d)
        alpha = float(G["alpha"][0][0])
        intercept = G["intercept"][0][0] == "1"
        s = floats(G, "weights") if "weights" in G else np.ones(n)
        p = floats(G, "penalty_factor_rescaled")
        lam = floats(G, "lambda")
        assert np.array_equal(lam, floats(E, "lambda"))
        nl = lam.size
        a0, ea0 = floats(G, "a0"), floats(E, "exact_a0")
        EJ = floats(E, "exact_J")
        ks = sorted(set([1, 2] + [int(round(x)) for x in np.linspace(1, nl, 6)[1:]]))
        for k in ks:
            w, b = exact_solver.solve(X, y, s, lam[k - 1], alpha, p, intercept)
            kkt = exact_solver.kkt_residual(X, y, s, lam[k - 1], alpha, p, w, b, intercept)
            th = np.concatenate([[b], w])
            te = np.concatenate([[ea0[k - 1]], floats(E, ("exact_beta", k))])
            tg = np.concatenate([[a0[k - 1]], floats(G, ("beta", k))])
            r_e = np.abs(th - te).max() / max(1.0, np.abs(te).max())
            r_g = np.abs(th - tg).max() / max(1.0, np.abs(tg).max())
            dJ = exact_solver.objective(X, y, s, lam[k - 1], alpha, p, w, b) - EJ[k - 1]
            worst = max(worst, r_e)
            lines.append("%s %d %.17g %d %.3g %.3g %.3g %.3g" % (case, k, lam[k - 1], int((w != 0).sum()),
                                                                 kkt, r_e, r_g, dJ))
            print(lines[-1], flush=True)
    lines.append("# max reldiff python vs exact file over all rows: %.3g" % worst)
    print(lines[-1])
    with open(os.path.join(HERE, "exact_crosscheck.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
