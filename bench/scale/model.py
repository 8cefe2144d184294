#!/usr/bin/env python3
"""The scaling model of docs/mpi.md ("Scaling to 1,000 ranks"): the time of one pass of
mpi::fit over a dataset spread over p ranks, from

  - the pass's arithmetic, measured here per MB of X on one rank (bench/scale/run.sh, first
    table, the 1-rank rows),
  - the library's own reduction, measured here on 2 ranks (second table): what one merge of a
    frontier costs in the library (packing, the message over shared memory, the additions),
  - a network's latency and bandwidth per message (assumed figures, stated below, not measured
    here: this machine has no network between ranks),

and the shape of the reduction (detail/mpi_reduction.hpp): Summation::reproducible sends, in
each of ceil(log2 p) rounds, one frontier of about 2 log2(chunks covered) nodes of (m + 2)
values, then broadcasts the m-value total; Summation::fast is one MPI_Allreduce of m values.

  python3 bench/scale/model.py [--tb 1] [--ranks 1000] [--latency-us 2] [--bandwidth-gbs 10]

Every default is printed with the table, so a reader can redo the arithmetic.
"""
import argparse
import math

# Measured on this project's machine (AMD EPYC, 2 vCPUs, Open MPI 4.1 over shared memory),
# bench/scale/run.sh at 2026-12-01 22:27 UTC, load about 1: ms of a cost-and-gradient pass per
# MB of double X, one rank, one thread (1M x 32: 27.76 ms for 256 MB; 200k x 500: 73.76 ms for
# 800 MB).
PASS_MS_PER_MB = {32: 27.76 / 256.0, 500: 73.76 / 800.0}
# The library's reproducible merge on 2 ranks, per byte of frontier, from the second table
# (4 nodes of 502 long doubles, 32.1 KB: 47.5 us, 0.68 GB/s; of 4096, 262 KB: 796 us, 0.33 GB/s):
# the library's own cost of a message (packing, the copy, the additions), on top of the network.
LIBRARY_GBS_SMALL, LIBRARY_GBS_LARGE, LIBRARY_SPLIT_BYTES = 0.68, 0.33, 100e3
LIBRARY_FIXED_US = 3.5  # the same merge of 34 values (2.2 KB): 3.5 us
CHUNK_BYTES = 1 << 20  # LOGISTIC_NEURON_CHUNK_BYTES, the default
VALUE_BYTES = 8  # the sums of double X are double (detail::Accum<double>)


def library_seconds(nbytes):
    gbs = LIBRARY_GBS_SMALL if nbytes < LIBRARY_SPLIT_BYTES else LIBRARY_GBS_LARGE
    return LIBRARY_FIXED_US * 1e-6 + nbytes / (gbs * 1e9)


def reproducible_seconds(p, m, chunks_per_rank, alpha, beta):
    """ceil(log2 p) rounds of one frontier message, then a binomial broadcast of m values."""
    rounds = math.ceil(math.log2(p)) if p > 1 else 0
    total = 0.0
    for k in range(rounds):
        nodes = 2 * math.log2(chunks_per_rank * 2 ** k)
        nbytes = nodes * (m + 2) * VALUE_BYTES
        total += alpha + nbytes / beta + library_seconds(nbytes)
    total += rounds * (alpha + m * VALUE_BYTES / beta)
    return total


def fast_seconds(p, m, alpha, beta):
    """One MPI_Allreduce of m values: 2 log2 p latencies and twice the vector (a reduce-scatter
    and an all-gather)."""
    rounds = math.ceil(math.log2(p)) if p > 1 else 0
    return 2 * rounds * alpha + 2 * m * VALUE_BYTES / beta


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tb", type=float, default=1.0, help="the dataset's size in TB (X, double)")
    ap.add_argument("--ranks", type=int, default=1000)
    ap.add_argument("--latency-us", type=float, default=2.0,
                    help="network latency per MPI message (default 2 us: InfiniBand HDR class)")
    ap.add_argument("--bandwidth-gbs", type=float, default=10.0,
                    help="network bandwidth per message (default 10 GB/s: HDR class, 25 GB/s a port)")
    a = ap.parse_args()
    p, alpha, beta = a.ranks, a.latency_us * 1e-6, a.bandwidth_gbs * 1e9
    shard_mb = a.tb * 1e6 / p
    chunks_per_rank = shard_mb * 1e6 / CHUNK_BYTES
    print(f"{a.tb:g} TB of double X over {p} ranks: {shard_mb:.0f} MB a rank, "
          f"{chunks_per_rank:.0f} chunks of {CHUNK_BYTES >> 20} MiB a rank; network: "
          f"{a.latency_us:g} us and {a.bandwidth_gbs:g} GB/s a message; library merge "
          f"{LIBRARY_FIXED_US} us + bytes at {LIBRARY_GBS_SMALL}/{LIBRARY_GBS_LARGE} GB/s")
    print()
    print("| d | pass | values m | arithmetic ms | reproducible ms | of the pass | fast ms | of the pass |")
    print("|---|---|---|---|---|---|---|---|")
    for d in (32, 500):
        compute = PASS_MS_PER_MB[d] * shard_mb * 1e-3
        for name, m in (("cost + gradient", d + 2), ("Newton's Hessian (sums only)", (d + 1) ** 2)):
            r = reproducible_seconds(p, m, chunks_per_rank, alpha, beta)
            f = fast_seconds(p, m, alpha, beta)
            arith = f"{1e3 * compute:.0f}" if m == d + 2 else "-"
            share_r = f"{100 * r / (compute + r):.2f} %" if m == d + 2 else "-"
            share_f = f"{100 * f / (compute + f):.3f} %" if m == d + 2 else "-"
            print(f"| {d} | {name} | {m} | {arith} | {1e3 * r:.3f} | {share_r} | {1e3 * f:.3f} | {share_f} |")


if __name__ == "__main__":
    main()
