#!/usr/bin/env bash
# The sparse benchmark (bench/sparse/README.md): builds the drivers, writes the datasets once,
# and times LIBLINEAR and scikit-learn (and, with --with-ours, ours) to the L2 optimum, a pass
# of ours against the bandwidth floor, and every tool's peak memory; prints the tables.
#
#   bash bench/sparse/run.sh [--small] [--with-ours] [compare.py options, e.g. --only rcv1_like
#                             --budget 60 --tools LIBLINEAR "sklearn lbfgs"]
#
#   --small      every set with 1/50 of its rows (files *_small.bin): a smoke test, not a result
#   --with-ours  also build and time ours (needs the library's sparse fit: Solver::newton_cg on
#                Eigen::Map<const Eigen::SparseMatrix<double, Eigen::RowMajor, int>>)
# Environment:
#   DATA_DIR     datasets (default /tmp/logistic_neuron_sparse_data; full size about 1.6 GB)
#   BUILD_DIR    drivers and results (default /tmp/logistic_neuron_sparse_build)
#   PYTHON       default /usr/bin/python3 (Debian's, with python3-sklearn)
#   CXX          default g++
#   OURS_FLAGS_PLAIN   flags of ours' first build, a user's: default "-O2 -DNDEBUG"
#   OURS_FLAGS_NATIVE  of its second build: default "-O2 -DNDEBUG -march=native"
#   OURS_INCLUDE       the library's include directory (default: this checkout's include/)
# Needs: g++, libeigen3-dev, liblinear-dev and liblinear-tools (LIBLINEAR 2.3.0),
#   python3-sklearn (1.2.1), python3-scipy, python3-threadpoolctl, libopenblas0.
# Each driver is one g++ invocation, run one after the other (no parallel build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
data=${DATA_DIR:-/tmp/logistic_neuron_sparse_data}
build=${BUILD_DIR:-/tmp/logistic_neuron_sparse_build}
python=${PYTHON:-/usr/bin/python3}
cxx=${CXX:-g++}
flags_plain=${OURS_FLAGS_PLAIN:--O2 -DNDEBUG}
flags_native=${OURS_FLAGS_NATIVE:--O2 -DNDEBUG -march=native}
include=${OURS_INCLUDE:-$top/include}

small=() with_ours=0 rest=()
for arg in "$@"; do
  case "$arg" in
    --small) small=(--small) ;;
    --with-ours) with_ours=1 ;;
    *) rest+=("$arg") ;;
  esac
done

mkdir -p "$build"
common=(-std=c++17 -Wall -Wextra -I"$here")
# LIBLINEAR is Debian's prebuilt library; the driver only builds its input and calls train().
"$cxx" "${common[@]}" -O2 -o "$build/liblinear_driver" "$here/liblinear_driver.cpp" -llinear
ours=()
if [ "$with_ours" = 1 ]; then
  eigen=$(pkg-config --cflags eigen3 2>/dev/null || echo -I/usr/include/eigen3)
  # shellcheck disable=SC2086  # the flag variables are lists of flags
  "$cxx" "${common[@]}" $flags_plain -pthread -I"$include" $eigen \
    -o "$build/ours_driver_plain" "$here/ours_driver.cpp"
  # shellcheck disable=SC2086
  "$cxx" "${common[@]}" $flags_native -pthread -I"$include" $eigen \
    -o "$build/ours_driver_native" "$here/ours_driver.cpp"
  ours=(--with-ours --ours-plain "$build/ours_driver_plain" --ours-native "$build/ours_driver_native")
  echo "ours built: [$flags_plain] and [$flags_native]"
fi

"$python" "$here/make_data.py" "$data" "${small[@]}"

# As bench/time_to_optimum/run.sh: OpenBLAS (numpy, scipy, and LIBLINEAR's BLAS calls, through
# Debian's libblas.so.3) runs with the kernels it detects, except that where it falls back to its
# generic Prescott kernels on an AVX-512 CPU the SkylakeX ones are forced.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
core=$("$python" -c 'import numpy; from threadpoolctl import threadpool_info as t; print(next(p["architecture"] for p in t() if p["internal_api"] == "openblas"))')
if [ "$core" = Prescott ] && grep -qw avx512f /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=SkylakeX
fi

echo "# machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|L1d|L2|L3)' | sed 's/  */ /g'
echo "OpenBLAS kernel: ${OPENBLAS_CORETYPE:-$core} (autodetected: $core); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# run"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
tag=sparse-$stamp${small:+-small}
"$python" "$here/compare.py" --data-dir "$data" --liblinear-driver "$build/liblinear_driver" \
  --python "$python" --out "$build/$tag.json" --table "$build/$tag.md" --check-cli \
  "${small[@]}" "${ours[@]}" "${rest[@]}"
echo "# written: $build/$tag.json and $build/$tag.md"
