#!/usr/bin/python3
"""Data sets for the glmnet / scikit-learn L1 and elastic-net references (tests/reference/glmnet/).

Run from the repository root with Debian's interpreter (numpy only):

    /usr/bin/python3 tests/reference/glmnet/make_data.py

It writes, next to itself, three files. Every number is written with 17 significant digits
('%.17g'), so it parses back to exactly the double the script holds; labels are the integers 0, 1.
All randomness comes from numpy.random.default_rng(SEED) (PCG64) with SEED = 20240611, drawn in the
order of the code below; re-running reproduces the files byte for byte (numpy 1.24).

dense_logistic.csv   n = 300, d = 20. Header "x1,...,x20,y"; one sample per row, label last.
    Latent rows u ~ N(0, R), R_jk = 0.6^|j-k| (AR(1), adjacent columns correlated 0.6), plus
    columns 12 and 13 (1-based) = 0.8 * column 11 + 0.6 * fresh noise (correlation 0.8 with x11).
    Feature j = SCALE[j] * u_j + SHIFT[j], so the columns have standard deviations from 0.1 to 10
    and non-zero means. The label is y ~ Bernoulli(sigmoid(-0.3 + sum_j BETA[j] u_j)): 8 features
    are informative (BETA != 0, given on the latent, unit-scale u), 12 are noise; the linear
    predictor has standard deviation about 1.3, so the classes overlap.
breast_cancer_std.csv   examples/data/breast_cancer.csv (569 x 30, label `benign`) with every
    feature column standardised here: (x - mean) / sd, mean = sum(x)/n, sd = sqrt(sum((x-mean)^2)/n)
    (population sd), in double with numpy (pairwise summation). Same header as the source.
sparse_text.svm   libsvm format "label idx:value idx:value ..." (1-based increasing indices,
    label 1 or 0), n = 400 rows, d = 1000 columns (the highest index present may be < 1000:
    readers must be told d = 1000). Row i has 1 + Poisson(9) distinct terms drawn without
    replacement with probabilities proportional to 1/(rank+2)^1.1 (Zipf-like; column j has rank
    j-1), term counts 1 + Poisson(0.7); value = count * idf_j with idf_j = log((1+n)/(1+df_j)) + 1
    (df_j = number of rows holding column j), times a per-entry jitter uniform(0.8, 1.25) (without
    it, two columns held by the same single row, with equal counts, would be identical and the lasso
    solution would not be unique), then every row is scaled to unit L2 norm. Labels:
    y ~ Bernoulli(sigmoid(b + x . w)) with 40 non-zero w_j (20 among the 60 most frequent
    columns, 20 among the next 240), |w_j| in [4, 9] with random signs, b chosen so that about
    half the labels are 1. Columns that no row holds are all zero.
"""

import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
SEED = 20240611

# dense_logistic: per-column scale and shift (x_j = SCALE_j * u_j + SHIFT_j) and the true model on u.
SCALE = np.array([1.0, 10.0, 0.1, 1.0, 3.0, 0.3, 1.0, 5.0, 1.0, 0.5,
                  1.0, 1.0, 1.0, 2.0, 0.2, 1.0, 1.0, 8.0, 1.0, 1.0])
SHIFT = np.array([0.5, -2.0, 1.0, 0.0, 5.0, 0.1, -1.0, 20.0, 0.0, 0.3,
                  0.0, 0.0, 2.0, -3.0, 0.05, 0.0, 1.0, 0.0, -0.5, 0.0])
BETA = np.array([1.0, -0.8, 0.6, 0.0, 0.0, 0.0, -0.5, 0.0, 0.4, 0.0,
                 0.7, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.3, 0.0, 0.25])
B0 = -0.3


def g17(v):
    return "%.17g" % float(v)


def make_dense(rng):
    n, d = 300, 20
    R = 0.6 ** np.abs(np.subtract.outer(np.arange(d), np.arange(d)))
    L = np.linalg.cholesky(R)
    u = rng.standard_normal((n, d)) @ L.T
    u[:, 11] = 0.8 * u[:, 10] + 0.6 * rng.standard_normal(n)
    u[:, 12] = 0.8 * u[:, 10] + 0.6 * rng.standard_normal(n)
    eta = B0 + u @ BETA
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(int)
    X = u * SCALE + SHIFT
    path = os.path.join(HERE, "dense_logistic.csv")
    with open(path, "w") as f:
        f.write(",".join("x%d" % (j + 1) for j in range(d)) + ",y\n")
        for i in range(n):
            f.write(",".join(g17(v) for v in X[i]) + ",%d\n" % y[i])
    print("dense_logistic.csv: n=%d d=%d positives=%d sd(eta)=%.3f" % (n, d, y.sum(), eta.std()))


def make_breast_cancer():
    src = os.path.join(ROOT, "examples", "data", "breast_cancer.csv")
    with open(src) as f:
        header = f.readline().strip()
    table = np.loadtxt(src, delimiter=",", skiprows=1)
    X, y = table[:, :-1], table[:, -1].astype(int)
    n = X.shape[0]
    mean = X.sum(axis=0) / n
    C = X - mean
    sd = np.sqrt((C * C).sum(axis=0) / n)
    Z = C / sd
    path = os.path.join(HERE, "breast_cancer_std.csv")
    with open(path, "w") as f:
        f.write(header + "\n")
        for i in range(n):
            f.write(",".join(g17(v) for v in Z[i]) + ",%d\n" % y[i])
    print("breast_cancer_std.csv: n=%d d=%d positives=%d max|mean|=%.2e max|sd-1|=%.2e"
          % (n, X.shape[1], y.sum(), np.abs(Z.mean(axis=0)).max(), np.abs(Z.std(axis=0) - 1).max()))


def make_sparse(rng):
    n, d = 400, 1000
    prob = 1.0 / (np.arange(d) + 2.0) ** 1.1
    prob /= prob.sum()
    rows = []
    for i in range(n):
        k = 1 + rng.poisson(9.0)
        cols = np.sort(rng.choice(d, size=k, replace=False, p=prob))
        counts = 1 + rng.poisson(0.7, size=k)
        rows.append((cols, counts.astype(float)))
    df = np.zeros(d)
    for cols, _ in rows:
        df[cols] += 1
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    data = []
    for cols, counts in rows:
        v = counts * idf[cols] * rng.uniform(0.8, 1.25, size=len(cols))
        v = v / np.sqrt(np.dot(v, v))
        data.append((cols, v))
    w = np.zeros(d)
    top = rng.choice(60, size=20, replace=False)
    mid = 60 + rng.choice(240, size=20, replace=False)
    informative = np.concatenate([top, mid])
    w[informative] = rng.uniform(4.0, 9.0, size=40) * rng.choice([-1.0, 1.0], size=40)
    eta0 = np.array([np.dot(v, w[cols]) for cols, v in data])
    b = -np.median(eta0)
    eta = b + eta0
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(int)
    path = os.path.join(HERE, "sparse_text.svm")
    nnz = 0
    with open(path, "w") as f:
        for (cols, v), yi in zip(data, y):
            nnz += len(cols)
            f.write("%d " % yi + " ".join("%d:%s" % (c + 1, g17(x)) for c, x in zip(cols, v)) + "\n")
    print("sparse_text.svm: n=%d d=%d nnz=%d (%.2f%%) non-empty columns=%d positives=%d sd(eta)=%.3f"
          % (n, d, nnz, 100.0 * nnz / (n * d), int((df > 0).sum()), y.sum(), eta.std()))


def main():
    rng = np.random.default_rng(SEED)
    make_dense(rng)
    make_breast_cancer()
    make_sparse(rng)


if __name__ == "__main__":
    main()
