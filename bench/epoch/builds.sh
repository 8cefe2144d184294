#!/usr/bin/env bash
# The epoch of a user's default build (no -march) against the -march=native build, side by side
# (issue 9, point 7): builds epoch_bench both ways, then runs the two binaries alternately, shape
# by shape, ROUNDS times each (so that drift in the machine's bandwidth hits both alike), and
# prints the table of bench/README.md.
#   bash bench/epoch/builds.sh [--quick]        ROUNDS (default 2), BUILD_DIR (default /tmp/build-epoch-builds)
# Needs: cmake, g++, libeigen3-dev, python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
base=${BUILD_DIR:-/tmp/build-epoch-builds}
rounds=${ROUNDS:-2}
for build in native default; do
  native=ON
  if [ "$build" = default ]; then native=OFF; fi
  cmake -S "$top" -B "$base/$build" -DCMAKE_BUILD_TYPE=Release -DLOGISTIC_NEURON_BUILD_TESTS=OFF \
    -DLOGISTIC_NEURON_BUILD_EXAMPLES=OFF -DLOGISTIC_NEURON_BUILD_BENCHMARKS=ON \
    -DLOGISTIC_NEURON_BENCH_NATIVE=$native >/dev/null
  cmake --build "$base/$build" --target epoch_bench -j2 >/dev/null
done
shapes=(10000x10 100000x100 1000000x32 200000x500)
if [ "${1:-}" = --quick ]; then shapes=(10000x10 100000x32); fi
echo "# machine"
lscpu | grep -E '^(Model name|CPU\(s\)|L1d|L2|L3)' | sed 's/  */ /g'
csvs=()
for shape in "${shapes[@]}"; do
  for round in $(seq "$rounds"); do
    for build in native default; do
      csv="$base/$build-$shape-$round.csv"
      "$base/$build/bench/epoch_bench" --shape "$shape" --csv "$csv" >/dev/null
      csvs+=("$build=$csv")
    done
  done
done
echo "# table"
python3 "$here/builds_table.py" "${csvs[@]}"
