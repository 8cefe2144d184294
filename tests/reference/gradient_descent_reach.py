#!/usr/bin/python3
"""Which reference optima gradient descent with the step 1/L can reach in a test's time.

Run with Debian's interpreter (python3-numpy):

    /usr/bin/python3 tests/reference/gradient_descent_reach.py

For each case of solver_reference.txt it prints, in the coordinates gradient descent works in
(raw features; standardized ones where the case is standardized, or where l2 = 0, for then the
standardized fit has the same optimum and tests/test_solvers.cpp fits it so):

  L      the library's step bound, lambda_max([X 1]^T diag(s) [X 1]) / (4 S) + l2 (the default
         step of gradient descent is 1/L; detail::Objective::lipschitz);
  mu     the smallest eigenvalue of the Hessian of J at the reference optimum;
  kappa  L / mu;
  epochs ln(1e5) / -ln(1 - mu/L): the epochs after which the error along the Hessian's flattest
         direction has shrunk by 1e5 (the tests' coefficient tolerance is 1e-5 relative), at the
         linear rate 1 - mu/L that gradient descent with the step 1/L has near the optimum.

For the raw cases a second line, "scaled", gives the same numbers after the change of variables
v = sigma o w, c = b + mean . w (a diagonal preconditioner that keeps the problem, and so the
optimum, the same): it does not bring the epochs within reach either.

It writes the table to gradient_descent_reach.txt beside itself. Nothing here is read by the
tests; it records why tests/test_solvers.cpp runs gradient descent on some cases only.
"""
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "examples", "data")


def load_csv(path):
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    return table[:, :-1], table[:, -1]


def read_cases():
    cases, case = [], None
    with open(os.path.join(HERE, "solver_reference.txt")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            key, _, value = line.strip().partition(" ")
            if key == "case":
                case = {"name": value}
            elif key == "end":
                cases.append(case)
            else:
                case[key] = value
    return cases


def main():
    Xbc, ybc = load_csv(os.path.join(DATA, "breast_cancer.csv"))
    Xdg, digit = load_csv(os.path.join(DATA, "digits.csv"))
    Xil, yil = load_csv(os.path.join(HERE, "ill_conditioned.csv"))
    datasets = {
        "breast_cancer": (Xbc, ybc),
        "digits_is_2_first_1000": (Xdg[:1000], (digit[:1000] == 2).astype(float)),
        "ill_conditioned": (Xil, yil),
    }
    lines = ["# Written by tests/reference/gradient_descent_reach.py; do not edit.",
             "%-30s %-12s %10s %10s %10s %12s" % ("case", "coordinates", "L", "mu", "kappa",
                                                  "epochs")]
    for c in read_cases():
        X, y = datasets[c["data"]]
        n, d = X.shape
        s = np.ones(n)
        if c["sample_weight"] != "none":
            s = np.loadtxt(os.path.join(HERE, c["sample_weight"]), skiprows=1)
        if c["class_weight"] == "balanced":
            counts = np.array([(y == 0).sum(), (y == 1).sum()])
            s = s * (n / (2.0 * counts))[y.astype(int)]
        S = s.sum()
        l2 = float(c["l2"])
        w = np.array([float(v) for v in c["weights"].split()])
        b = float(c["bias"])
        z = X @ w + b  # the optimum's logits do not depend on the coordinates
        standardized = c["standardize"] == "1" or l2 == 0
        if standardized:
            mu_col = (s @ X) / S
            sd = np.sqrt((s @ (X - mu_col) ** 2) / S)
            sd[sd == 0] = 1.0
            Z = (X - mu_col) / sd
        else:
            Z = X
        a = 1 / (1 + np.exp(-z))

        def row(label, Z, penalty):
            A = np.hstack([Z, np.ones((n, 1))])
            gram = A.T @ (A * s[:, None]) / S
            L = np.linalg.eigvalsh(gram)[-1] / 4 + penalty.max()
            H = A.T @ (A * (s * a * (1 - a))[:, None]) / S + np.diag(penalty)
            mu = np.linalg.eigvalsh(H)[0]
            epochs = math.log(1e5) / -math.log1p(-mu / L)
            lines.append("%-30s %-12s %10.3g %10.3g %10.3g %12.3g" % (
                c["name"], label, L, mu, L / mu, epochs))

        row("standardized" if standardized else "raw", Z, np.r_[np.full(d, l2), 0.0])
        if not standardized:
            # The same problem after the change of variables v = sigma o w, c = b + mean . w
            # (a diagonal preconditioner; the penalty stays on w, i.e. l2 v_j^2 / sigma_j^2):
            # not a way out either.
            mean = (s @ X) / S
            sd = np.sqrt((s @ (X - mean) ** 2) / S)
            sd[sd == 0] = 1.0
            row("scaled", (X - mean) / sd, np.r_[l2 / sd ** 2, 0.0])
    text = "\n".join(lines) + "\n"
    print(text, end="")
    with open(os.path.join(HERE, "gradient_descent_reach.txt"), "w") as out:
        out.write(text)


if __name__ == "__main__":
    main()
