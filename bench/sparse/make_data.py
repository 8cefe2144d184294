#!/usr/bin/env python3
"""Writes the sparse benchmark's datasets, once, as binary CSR files that the C++ drivers and
Python (numpy.fromfile) read without parsing.

Three seeded generators, shaped like two text sets of the LIBSVM collection and one tall set:

  name         n x d                    non-zeros        what it imitates
  rcv1_like    20,242 x 47,236          about 1.5 M      rcv1.binary (74 non-zeros a row)
  news20_like  19,996 x 1,355,191       about 9.0 M      news20.binary (450 a row, d >> n)
  tall_like    2,000,000 x 100,000      about 120 M      many short rows (60 a row), CSR 1.4 GB

Every row is a "document" drawn the same way:
  * columns: each column j has a probability p_j of being drawn, Zipf-Mandelbrot in its rank,
    p ~ (rank + 10)^-a (a = 1.0, 1.0 and 0.9), the ranks randomly permuted over the columns (so
    frequent columns are scattered over the index range, as term ids are);
  * length: m_i draws, m_i = max(1, round(LogNormal)) with the mean chosen (by bisection, on the
    exact expected number of distinct columns) so that the number of *distinct* columns a row
    gets averages the target non-zeros per row; a column drawn k times has term frequency k;
  * values: tf-idf-like and positive, (1 + ln tf) * (1 + ln(1 / P_j)) with P_j the probability
    that column j appears in a row, then each row scaled to unit Euclidean norm;
  * labels: from a sparse logistic model, y_i ~ Bernoulli(sigmoid(z_i)), z = s (X beta - c) with
    beta_j ~ N(0, 1) on a random 10% of the columns (0 elsewhere), c the median of X beta (so the
    classes are balanced to within sampling noise) and s chosen so that std(z) = 2: the classes
    overlap (the Bayes error is about 20%), so no weight vector separates them by much and the
    L2-regularised problem of the benchmark has a well-defined optimum.

Randomness is numpy's PCG64 seeded through SeedSequence([seed, stream, chunk]): the column
model and beta use stream 0, the rows chunk c stream (1, c) (chunks of a fixed, dataset-dependent
number of rows, so memory stays at a few hundred MB whatever n), the labels stream 2. The same
command writes the same bytes on every machine with the same numpy (1.24 here).

File format, little-endian (sizes in bytes):

  offset  size       field
  0       8          magic b"LNCSR001"
  8       8          int64 n (rows)
  16      8          int64 d (columns)
  24      8          int64 nnz
  32      16         ASCII dtype tags of the four arrays, b"i8,i4,f8,f8", NUL-padded
  48      8          int64 seed of the generator
  56      8          int64 0 (reserved)
  64      8 (n+1)    row pointers, int64: row i is entries indptr[i] .. indptr[i+1]-1;
                     indptr[0] = 0, indptr[n] = nnz
  ...     4 nnz      column indices, int32, 0-based, strictly increasing within each row
  ...     0 or 4     zero padding, present when nnz is odd (the next array starts on 8 bytes)
  ...     8 nnz      values, float64
  ...     8 n        labels, float64, each 0.0 or 1.0

so the size is 64 + 8 (n + 1) + 4 nnz + 4 (nnz mod 2) + 8 nnz + 8 n; read() below and
bench/sparse/csr_file.hpp read it. Beside each NAME.bin, NAME.json records the generator's
parameters and the data's statistics (non-zeros, positives, the Bayes error of the label model).
A file present with the expected header and size is kept: the data are generated once per
DATA_DIR.

Usage: make_data.py DATA_DIR [--only NAME ...] [--small] [--libsvm NAME ...]
  --small   every set with 1/50 of its rows (d and the non-zeros per row unchanged), for
            developing the harness; files NAME_small.bin
  --libsvm  also write NAME.libsvm (text, for liblinear-train; compare.py --check-cli writes it
            itself when it is missing)
"""
import argparse
import json
import os
import sys

import numpy as np

MAGIC = b"LNCSR001"
HEADER_BYTES = 64
DTYPE_TAGS = b"i8,i4,f8,f8".ljust(16, b"\0")
GENERATOR_VERSION = 1  # bump when the generator changes: files of another version are rewritten
SMALL_DIVISOR = 50
DRAWS_PER_CHUNK = 4_000_000  # draws a chunk of rows makes, roughly: bounds the memory used


# name -> parameters. rows, d, nnz (total target), zipf exponent a, lognormal sigma of the row
# length, seed.
DATASETS = {
    "rcv1_like": dict(rows=20_242, d=47_236, nnz=1_500_000, a=1.0, sigma=0.8, seed=20261201),
    "news20_like": dict(rows=19_996, d=1_355_191, nnz=9_000_000, a=1.0, sigma=0.9,
                        seed=20261202),
    "tall_like": dict(rows=2_000_000, d=100_000, nnz=120_000_000, a=0.9, sigma=0.5,
                      seed=20261203),
}
ZIPF_OFFSET = 10.0
SUPPORT_FRACTION = 0.1
Z_STD = 2.0


def offsets(n, nnz):
    """Byte offsets of the four arrays and the file size."""
    indptr = HEADER_BYTES
    indices = indptr + 8 * (n + 1)
    values = indices + 4 * nnz + 4 * (nnz % 2)
    labels = values + 8 * nnz
    return {"indptr": indptr, "indices": indices, "values": values, "labels": labels,
            "size": labels + 8 * n}


def header(path):
    """(n, d, nnz, seed) if path is a complete file of this format, else None."""
    try:
        with open(path, "rb") as f:
            head = f.read(HEADER_BYTES)
        if len(head) != HEADER_BYTES or head[:8] != MAGIC or head[32:48] != DTYPE_TAGS:
            return None
        n, d, nnz = (int(v) for v in np.frombuffer(head[8:32], dtype="<i8"))
        seed = int(np.frombuffer(head[48:56], dtype="<i8")[0])
        if os.path.getsize(path) != offsets(n, nnz)["size"]:
            return None
        return n, d, nnz, seed
    except OSError:
        return None


def read(path, indptr_dtype=np.int64):
    """The file's arrays, each read with numpy.fromfile into private memory:
    {"n", "d", "nnz", "indptr" (int64, or indptr_dtype), "indices" (int32), "values" (float64),
    "y" (float64)}."""
    shape = header(path)
    if shape is None:
        raise ValueError(f"{path}: not a complete file written by make_data.py")
    n, d, nnz, _ = shape
    o = offsets(n, nnz)
    indptr = np.fromfile(path, dtype="<i8", count=n + 1, offset=o["indptr"])
    if np.dtype(indptr_dtype) != np.int64:
        if nnz > np.iinfo(indptr_dtype).max:
            raise ValueError(f"{path}: {nnz} non-zeros do not fit {np.dtype(indptr_dtype)}")
        indptr = indptr.astype(indptr_dtype)
    return {"n": n, "d": d, "nnz": nnz, "indptr": indptr,
            "indices": np.fromfile(path, dtype="<i4", count=nnz, offset=o["indices"]),
            "values": np.fromfile(path, dtype="<f8", count=nnz, offset=o["values"]),
            "y": np.fromfile(path, dtype="<f8", count=n, offset=o["labels"])}


def scipy_csr(arrays):
    """A scipy.sparse.csr_matrix over the arrays, float64 with int32 indices and row pointers
    (what scikit-learn's liblinear and saga solvers require; nnz < 2^31 here), no copy of the
    values or indices."""
    import scipy.sparse as sp

    indptr = arrays["indptr"]
    if indptr.dtype != np.int32:
        indptr = indptr.astype(np.int32)
    X = sp.csr_matrix((arrays["values"], arrays["indices"], indptr),
                      shape=(arrays["n"], arrays["d"]), copy=False)
    assert X.indices.dtype == np.int32 and X.indptr.dtype == np.int32
    assert X.data is arrays["values"] or np.shares_memory(X.data, arrays["values"])
    return X


def csr_bytes(n, nnz):
    """Bytes of the CSR arrays as ours and scipy hold them: int32 row pointers and indices,
    float64 values."""
    return 4 * (n + 1) + 4 * nnz + 8 * nnz


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------
def _rng(seed, *stream):
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *stream])))


def _lognormal_nodes(mean, sigma, count=32):
    """Gauss-Hermite nodes and weights for an expectation over a log-normal with this mean."""
    x, w = np.polynomial.hermite_e.hermegauss(count)
    mu = np.log(mean) - 0.5 * sigma * sigma
    return np.exp(mu + sigma * x), w / w.sum()


def _expected_distinct(log1m_p, nodes):
    """Expected number of distinct columns among m draws, m log-normal (Gauss-Hermite nodes)."""
    lengths, weights = nodes
    return float(sum(w * (log1m_p.size - np.exp(m * log1m_p).sum())
                     for m, w in zip(lengths, weights)))


def column_model(spec):
    """Column probabilities p (in column order), the mean row length in draws, the chunk size in
    rows, the per-column idf and beta."""
    rng = _rng(spec["seed"], 0)
    d = spec["d"]
    rank_p = (np.arange(d, dtype=np.float64) + 1.0 + ZIPF_OFFSET) ** (-spec["a"])
    rank_p /= rank_p.sum()
    permutation = rng.permutation(d)  # column permutation[r] has rank r
    p = np.empty(d)
    p[permutation] = rank_p
    log1m_p = np.log1p(-rank_p)
    target = spec["nnz"] / spec["rows"]
    lo, hi = target, 50.0 * target  # draws a row: distinct <= draws
    for _ in range(40):  # bisection in log space on the mean length
        mid = np.sqrt(lo * hi)
        if _expected_distinct(log1m_p, _lognormal_nodes(mid, spec["sigma"])) < target:
            lo = mid
        else:
            hi = mid
        if hi / lo < 1 + 1e-4:
            break
    mean_draws = float(np.sqrt(lo * hi))
    appear = -np.expm1(mean_draws * np.log1p(-p))  # P(column j appears in a row)
    idf = 1.0 + np.log(1.0 / np.maximum(appear, 1e-300))
    beta = np.where(rng.random(d) < SUPPORT_FRACTION, rng.standard_normal(d), 0.0)
    chunk_rows = max(1, int(DRAWS_PER_CHUNK / (mean_draws * 1.2)))
    return {"p": p, "cdf": np.cumsum(p), "mean_draws": mean_draws, "idf": idf, "beta": beta,
            "chunk_rows": chunk_rows}


def generate_chunk(spec, model, chunk, rows):
    """(nnz per row, indices int32, values float64, X beta) of one chunk of rows."""
    rng = _rng(spec["seed"], 1, chunk)
    d = spec["d"]
    mu = np.log(model["mean_draws"]) - 0.5 * spec["sigma"] ** 2
    lengths = np.maximum(1, np.rint(rng.lognormal(mu, spec["sigma"], rows))).astype(np.int64)
    u = rng.random(int(lengths.sum())) * model["cdf"][-1]
    cols = np.minimum(np.searchsorted(model["cdf"], u, side="right"), d - 1)
    owner = np.repeat(np.arange(rows, dtype=np.int64), lengths)
    keys, tf = np.unique(owner * d + cols, return_counts=True)  # sorted: by row, then column
    del u, cols, owner
    row = keys // d
    col = keys - row * d
    counts = np.bincount(row, minlength=rows)
    values = (1.0 + np.log(tf)) * model["idf"][col]
    norms = np.sqrt(np.bincount(row, weights=values * values, minlength=rows))
    values /= norms[row]
    xbeta = np.bincount(row, weights=values * model["beta"][col], minlength=rows)
    return counts, col.astype("<i4"), values.astype("<f8"), xbeta


def generate(spec, rows, path):
    """Writes the dataset with `rows` rows to path (through path + ".part"); returns its stats."""
    n, d = rows, spec["d"]
    model = column_model(spec)
    part = path + ".part"
    values_part = path + ".values.part"
    counts = np.empty(n, dtype=np.int64)
    xbeta = np.empty(n)
    nnz = 0
    with open(part, "w+b") as out, open(values_part, "w+b") as vout:
        out.seek(offsets(n, 0)["indices"])  # the indices start right after the row pointers
        start, chunk = 0, 0
        while start < n:
            stop = min(n, start + model["chunk_rows"])
            c, cols, values, xb = generate_chunk(spec, model, chunk, stop - start)
            counts[start:stop], xbeta[start:stop] = c, xb
            cols.tofile(out)
            values.tofile(vout)
            nnz += cols.size
            start, chunk = stop, chunk + 1
        if nnz >= 2 ** 31:
            raise ValueError("more than 2^31 - 1 non-zeros: int32 row pointers would overflow")
        if nnz % 2:
            out.write(b"\0\0\0\0")
        vout.seek(0)
        while True:
            block = vout.read(64 << 20)
            if not block:
                break
            out.write(block)
        # labels
        centre = float(np.median(xbeta))
        spread = float(np.std(xbeta - centre))
        scale = Z_STD / spread if spread > 0 else 1.0
        z = scale * (xbeta - centre)
        prob = 1.0 / (1.0 + np.exp(-z))
        y = (_rng(spec["seed"], 2).random(n) < prob).astype("<f8")
        y.tofile(out)
        out.seek(0)
        out.write(MAGIC)
        out.write(np.array([n, d, nnz], dtype="<i8").tobytes())
        out.write(DTYPE_TAGS)
        out.write(np.array([spec["seed"], 0], dtype="<i8").tobytes())
        np.concatenate(([0], np.cumsum(counts))).astype("<i8").tofile(out)
    os.remove(values_part)
    if os.path.getsize(part) != offsets(n, nnz)["size"]:
        raise RuntimeError(f"{part}: wrong size")
    os.replace(part, path)
    used = np.count_nonzero(np.bincount(np.fromfile(path, dtype="<i4", count=nnz,
                                                    offset=offsets(n, nnz)["indices"]),
                                        minlength=d))
    return {"n": n, "d": d, "nnz": nnz, "nnz_per_row": nnz / n,
            "columns_used": int(used), "positive_fraction": float(y.mean()),
            "bayes_error": float(np.mean(np.minimum(prob, 1.0 - prob))),
            "mean_draws_per_row": model["mean_draws"], "label_scale": scale,
            "label_centre": centre, "csr_bytes": csr_bytes(n, nnz),
            "file_bytes": offsets(n, nnz)["size"],
            "generator": {k: spec[k] for k in ("a", "sigma", "seed")} |
            {"version": GENERATOR_VERSION, "zipf_offset": ZIPF_OFFSET, "support_fraction": SUPPORT_FRACTION, "z_std": Z_STD,
             "full_rows": spec["rows"], "target_nnz_per_row": spec["nnz"] / spec["rows"]}}


def write_libsvm(path, out_path):
    """The dataset as a libsvm text file (1-based indices, labels 0/1, values in repr)."""
    a = read(path)
    with open(out_path + ".part", "w") as f:
        for i in range(a["n"]):
            lo, hi = a["indptr"][i], a["indptr"][i + 1]
            f.write("%d" % int(a["y"][i]) + "".join(
                f" {j + 1}:{v!r}" for j, v in zip(a["indices"][lo:hi].tolist(),
                                                  a["values"][lo:hi].tolist())) + "\n")
    os.replace(out_path + ".part", out_path)


def present(path, rows, spec):
    """True if path holds this dataset, written by this version of the generator."""
    shape = header(path)
    if shape is None or shape[0] != rows or shape[1] != spec["d"] or shape[3] != spec["seed"]:
        return False
    try:
        with open(path[:-4] + ".json") as f:
            return json.load(f)["generator"].get("version") == GENERATOR_VERSION
    except (OSError, ValueError, KeyError):
        return False


def path_of(data_dir, name, small):
    return os.path.join(data_dir, name + ("_small" if small else "") + ".bin")


def rows_of(name, small):
    rows = DATASETS[name]["rows"]
    return rows // SMALL_DIVISOR if small else rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir")
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--libsvm", nargs="*", default=[])
    args = parser.parse_args()
    os.makedirs(args.data_dir, exist_ok=True)
    for name, spec in DATASETS.items():
        if args.only and name not in args.only:
            continue
        rows = rows_of(name, args.small)
        path = path_of(args.data_dir, name, args.small)
        if present(path, rows, spec):
            print(f"{path}: present, {rows} x {spec['d']}, {header(path)[2]} non-zeros", flush=True)
        else:
            stats = generate(spec, rows, path)
            with open(path[:-4] + ".json", "w") as f:
                json.dump(stats, f, indent=1)
            print(f"{path}: written, {rows} x {spec['d']}, {stats['nnz']} non-zeros "
                  f"({stats['nnz_per_row']:.1f} a row, {stats['columns_used']} columns used), "
                  f"{stats['positive_fraction']:.3f} positive, Bayes error "
                  f"{stats['bayes_error']:.3f}", flush=True)
        if name in args.libsvm:
            text = path[:-4] + ".libsvm"
            if not os.path.exists(text):
                write_libsvm(path, text)
                print(f"{text}: written", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
