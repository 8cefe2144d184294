#!/usr/bin/env bash
# Passes over X each solver takes on the solver test data (bench/README.md, "Solvers: passes to
# the optimum"): builds passes.cpp with one g++ call and prints the markdown table. The counts
# depend on the data and the options, not on the machine's speed (see bench/README.md). About 2
# minutes to build, seconds to run. Not in CI.
#   bash bench/solver_passes/run.sh
# Environment: BUILD_DIR (default /tmp/logistic_neuron_passes_build), CXX (default g++).
# Needs: g++, libeigen3-dev, doctest-dev (the test suite's data readers are reused).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-/tmp/logistic_neuron_passes_build}
mkdir -p "$build"
"${CXX:-g++}" -std=c++17 -O2 -DDOCTEST_CONFIG_DISABLE -I"$top/include" -I/usr/include/eigen3 \
  -I"$top/tests" -DLOGISTIC_NEURON_TEST_DATA_DIR="\"$top/tests/reference\"" \
  -DLOGISTIC_NEURON_SHARED_DATA_DIR="\"$top/examples/data\"" -pthread "$here/passes.cpp" \
  -o "$build/passes"
"$build/passes"
