#!/usr/bin/env bash
# bench/scale: per-pass time over X sharded across MPI ranks, and the fraction of it spent in the
# reduction across ranks, on 1M x 32 and 200k x 500 (double, column-major) with 1 and 2 ranks;
# then the library's reduction alone (latency and bandwidth, for docs/mpi.md's scaling model);
# then the streamed pass against the in-memory pass and the read (bench/stream/stream_pass).
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

echo "| n x d | type | order | ranks | threads/rank | X (MB) | summation | pass ms | reduction ms | reduction/pass | communication alone ms | alone/pass | set-up ms |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
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

# The streamed pass (X read from a file a block at a time, the next block read while the current
# one is computed) against the same pass on the rows in memory and the read alone: from the page
# cache, then (as root) from the disk with the page cache dropped before every timed pass.
# STREAM_FILE (default $build/pass_d20.bin, 302 MB, written once) is the file.
# shellcheck disable=SC2086
g++ -std=c++17 -O3 -march=native -DNDEBUG -Iinclude $eigen -pthread \
  bench/stream/stream_pass.cpp -o "$build/stream_pass"
file=${STREAM_FILE:-$build/pass_d20.bin}
stream_rows=1800000
if [[ ${1:-} == --quick ]]; then file=${STREAM_FILE:-$build/pass_d20_quick.bin}; stream_rows=180000; fi
[[ -f $file ]] || "$build/stream_pass" --make "$file" "$stream_rows" 20 >/dev/null
echo
echo "streamed pass, page cache:"
"$build/stream_pass" "$file" 5 1
if [[ $(id -u) == 0 ]]; then
  echo
  echo "streamed pass, disk (page cache dropped before every timed pass):"
  "$build/stream_pass" --cold "$file" 3 1
fi
