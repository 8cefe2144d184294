#!/usr/bin/env python3
"""Writes the time-to-the-optimum datasets, once, as binary files that the C++ driver and the
Python peers both read.

File format (little-endian): the 8 bytes b"LNDATA01", int64 n, int64 d, then X as n*d float64 in
row-major order (one sample after another), then y as n float64 (0 or 1). A file that exists with
the right header is kept, so the data are generated once per data directory.

Every synthetic dataset is drawn from numpy's PCG64 generator with a fixed seed, so the same
command writes the same bytes on every machine with the same numpy.

Usage: make_data.py DATA_DIR [--only NAME ...] [--small]
  --small  write every synthetic set with 1/100 of its rows (for developing the harness)
"""
import argparse
import os
import sys

import numpy as np

MAGIC = b"LNDATA01"
HERE = os.path.dirname(os.path.abspath(__file__))
BREAST_CANCER_CSV = os.path.join(HERE, "..", "..", "examples", "data", "breast_cancer.csv")


def write(path, X, y):
    X = np.ascontiguousarray(X, dtype="<f8")
    y = np.ascontiguousarray(y, dtype="<f8")
    n, d = X.shape
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(MAGIC)
        f.write(np.array([n, d], dtype="<i8").tobytes())
        X.tofile(f)
        y.tofile(f)
    os.replace(tmp, path)


def read(path):
    """(X, y) from a file written by write(): X is a read-only row-major float64 memory map."""
    with open(path, "rb") as f:
        if f.read(8) != MAGIC:
            raise ValueError(f"{path}: not a dataset file (bad magic)")
        n, d = (int(v) for v in np.frombuffer(f.read(16), dtype="<i8"))
    X = np.memmap(path, dtype="<f8", mode="r", offset=24, shape=(n, d))
    y = np.memmap(path, dtype="<f8", mode="r", offset=24 + 8 * n * d, shape=(n,))
    return X, y


def header(path):
    try:
        with open(path, "rb") as f:
            if f.read(8) != MAGIC:
                return None
            n, d = (int(v) for v in np.frombuffer(f.read(16), dtype="<i8"))
        if os.path.getsize(path) != 24 + 8 * n * (d + 1):
            return None
        return n, d
    except OSError:
        return None


def labels(rng, z):
    """y_i ~ Bernoulli(sigmoid(z_i)): a non-separable problem whose noise level is set by |z|."""
    p = 1.0 / (1.0 + np.exp(-z))
    return (rng.random(z.shape[0]) < p).astype(np.float64)


def breast_cancer(_rows):
    data = np.loadtxt(BREAST_CANCER_CSV, delimiter=",", skiprows=1)
    return data[:, :-1], data[:, -1]


def ill_conditioned(rows, d=50, seed=20261128):
    """Raw features whose scales spread over six orders of magnitude (1e-3 to 1e3, log-uniform)
    and whose means are not zero, as raw measurements are: X[:, j] = s_j (mu_j + N(0, 1)).
    The labels follow a logistic model in which every standardized feature matters alike."""
    rng = np.random.Generator(np.random.PCG64(seed))
    scale = 10.0 ** rng.uniform(-3.0, 3.0, size=d)
    mean = rng.uniform(-2.0, 2.0, size=d)
    Z = rng.standard_normal((rows, d))
    beta = rng.standard_normal(d) * (2.0 / np.sqrt(d))
    y = labels(rng, Z @ beta + 0.5)
    X = (Z + mean) * scale
    return X, y


def well_conditioned(rows, d, seed):
    """Independent standard-normal features; labels from a logistic model with |z| of order 2."""
    rng = np.random.Generator(np.random.PCG64(seed))
    X = rng.standard_normal((rows, d))
    beta = rng.standard_normal(d) * (2.0 / np.sqrt(d))
    y = labels(rng, X @ beta - 0.3)
    return X, y


def tall(rows, d=32, seed=20261131):
    """Many rows, few features: correlated Gaussian features (AR(1) correlation 0.5 between
    neighbouring columns), imbalanced classes (about one in four positive)."""
    rng = np.random.Generator(np.random.PCG64(seed))
    X = rng.standard_normal((rows, d))
    for j in range(1, d):
        X[:, j] = 0.5 * X[:, j - 1] + np.sqrt(0.75) * X[:, j]
    beta = rng.standard_normal(d) * (2.0 / np.sqrt(d))
    y = labels(rng, X @ beta - 1.5)
    return X, y


# name -> (rows, generator); rows None for the bundled data.
DATASETS = {
    "breast_cancer": (None, breast_cancer),
    "ill_100k_50": (100_000, ill_conditioned),
    "well_100k_100": (100_000, lambda rows: well_conditioned(rows, 100, 20261129)),
    "well_200k_500": (200_000, lambda rows: well_conditioned(rows, 500, 20261130)),
    "tall_1m_32": (1_000_000, tall),
}


def path_of(data_dir, name, small):
    return os.path.join(data_dir, name + ("_small" if small else "") + ".bin")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir")
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.data_dir, exist_ok=True)
    for name, (rows, make) in DATASETS.items():
        if args.only and name not in args.only:
            continue
        if rows is not None and args.small:
            rows //= 100
        path = path_of(args.data_dir, name, args.small)
        shape = header(path)
        if shape is not None and (rows is None or shape[0] == rows):
            print(f"{path}: present, {shape[0]} x {shape[1]}")
            continue
        X, y = make(rows)
        write(path, X, y)
        print(f"{path}: written, {X.shape[0]} x {X.shape[1]}, {int(y.sum())} positive")
    return 0


if __name__ == "__main__":
    sys.exit(main())
