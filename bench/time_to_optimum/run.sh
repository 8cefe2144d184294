#!/usr/bin/env bash
# Time to the optimum: builds the C++ driver, writes the datasets once, and times our solvers
# against scikit-learn and LIBLINEAR in one run; prints the tables for bench/README.md.
#   bash bench/time_to_optimum/run.sh [compare.py options, e.g. --only ill_100k_50 --budget 30]
# Environment: DATA_DIR (datasets, default /tmp/logistic_neuron_tto_data, about 1.2 GB),
#   BUILD_DIR (default /tmp/logistic_neuron_tto_build), PYTHON (default /usr/bin/python3, Debian's,
#   which has python3-sklearn), SMALL=1 (every synthetic set with 1/100 of its rows, to try it out).
# Needs: cmake, ninja or make, g++, libeigen3-dev, python3-sklearn, python3-threadpoolctl,
#   libopenblas0, liblinear-tools (liblinear-train and liblinear.so.4).
# Took 21 minutes on 2 cores while other builds ran (load 7 to 11); less on a quiet machine. Not in CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
data=${DATA_DIR:-/tmp/logistic_neuron_tto_data}
build=${BUILD_DIR:-/tmp/logistic_neuron_tto_build}
python=${PYTHON:-/usr/bin/python3}
small=()
if [ "${SMALL:-0}" = 1 ]; then small=(--small); fi

generator=()
if command -v ninja >/dev/null; then generator=(-G Ninja); fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$top" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DLOGISTIC_NEURON_BUILD_TESTS=OFF -DLOGISTIC_NEURON_BUILD_EXAMPLES=OFF \
    -DLOGISTIC_NEURON_BUILD_BENCHMARKS=ON >/dev/null
fi
cmake --build "$build" --target time_to_optimum -j2 >/dev/null
"$python" "$here/make_data.py" "$data" "${small[@]}"

# numpy and scipy run on OpenBLAS (libopenblas0). This environment may set OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE (for old OpenBLAS builds); they are dropped for this run only. OpenBLAS 0.3.21
# does not know some recent Xeons and falls back to its generic "Prescott" (SSE3) kernels, several
# times slower for the Hessian products of newton-cholesky; there the AVX-512 "SkylakeX" kernels
# are forced, so that the peers run as fast as this OpenBLAS can. The kernel used is printed.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
core=$("$python" -c 'import numpy; from threadpoolctl import threadpool_info as t; print(next(p["architecture"] for p in t() if p["internal_api"] == "openblas"))')
if [ "$core" = Prescott ] && grep -qw avx512f /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=SkylakeX
fi

echo "# machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|L1d|L2|L3)' | sed 's/  */ /g'
echo "OpenBLAS kernel: $("$python" -c 'import numpy; from threadpoolctl import threadpool_info as t; print(next(p["architecture"] for p in t() if p["internal_api"] == "openblas"))') (autodetected: $core)"
echo "# run"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
"$python" "$here/compare.py" --data-dir "$data" --driver "$build/bench/time_to_optimum" \
  --out "$build/time_to_optimum-$stamp.json" --table "$build/time_to_optimum-$stamp.md" \
  --check-cli "${small[@]}" "$@"
echo "# written: $build/time_to_optimum-$stamp.json and .md"
