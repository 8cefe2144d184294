#!/usr/bin/env bash
# bench/scale: per-pass time over X sharded across MPI ranks, and the fraction of it spent in the
# reduction across ranks, on 1M x 32 and 200k x 500 (double, column-major) with 1 and 2 ranks;
# then the library's reduction alone (latency and bandwidth, for docs/mpi.md's scaling model).
# Usage: bash bench/scale/run.sh [--quick]       (BUILD_DIR defaults to /tmp/build-bench-scale)
# Needs mpicxx and mpirun (Debian: openmpi-bin libopenmpi-dev) and Eigen 3.4. Prints markdown
# tables; see bench/scale/README.md for what the columns mean.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build=${BUILD_DIR:-/tmp/build-bench-scale}
mkdir -p "$build"
eigen=$(pkg-config --cflags eigen3 2>/dev/null || echo -I/usr/include/eigen3)
# shellcheck disable=SC2086
mpicxx -std=c++17 -O3 -march=native -DNDEBUG -Iinclude $eigen -pthread \
  bench/scale/scale_bench.cpp -o "$build/scale_bench"
run=(mpirun --oversubscribe --bind-to core)
if [[ $(id -u) == 0 ]]; then run+=(--allow-run-as-root); fi
passes=15
shapes=("1000000 32" "200000 500")
if [[ ${1:-} == --quick ]]; then passes=5; shapes=("100000 32" "20000 500"); fi

echo "| n x d | type | order | ranks | threads/rank | X (MB) | summation | pass ms | reduction ms | reduction/pass | set-up ms |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for shape in "${shapes[@]}"; do
  read -r rows cols <<<"$shape"
  for ranks in 1 2; do
    "${run[@]}" -n "$ranks" "$build/scale_bench" --rows "$rows" --cols "$cols" --passes "$passes"
  done
done
echo
echo "| ranks | summation | values | frontier nodes | KB per rank | merge us | GB/s |"
echo "|---|---|---|---|---|---|---|"
for ranks in 1 2; do
  "${run[@]}" -n "$ranks" "$build/scale_bench" --reduction
done

# Streamed data (X read from a file a buffer at a time): its own benchmark and rows go here.
