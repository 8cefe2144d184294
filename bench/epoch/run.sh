#!/usr/bin/env bash
# Builds and runs the per-epoch benchmark, then prints the markdown table for bench/README.md.
#   bash bench/epoch/run.sh [--quick] [--reps N]
# Needs: cmake, g++, libeigen3-dev, python3-numpy, libopenblas0 (the numpy baseline).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$top/build-bench}
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLOGISTIC_NEURON_BUILD_TESTS=OFF \
  -DLOGISTIC_NEURON_BUILD_EXAMPLES=OFF -DLOGISTIC_NEURON_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build" --target epoch_bench -j2 >/dev/null
csv="$build/epoch.csv"
echo "# machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread|L1d|L2|L3)' | sed 's/  */ /g'
echo "# run"
"$build/bench/epoch_bench" --numpy "$here/numpy_epoch.py" --csv "$csv" "$@"
echo "# table"
/usr/bin/python3 "$here/table.py" "$csv"
