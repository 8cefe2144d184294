#!/bin/sh
# bench/path: the 100-lambda lasso path and 10-fold CV, ours (fit_path, cross_validate) against R's
# glmnet 4.1 (Debian r-cran-glmnet), on the same data, grid and folds, timed inside each tool.
#   sh bench/path/run.sh [REPS [THRESH [SETS]]]      defaults: 3, 1e-7 (glmnet's default), "dense sparse"
#   PATH_BENCH_ALPHA=0.5 sh bench/path/run.sh ...    the elastic net (default alpha 1, the lasso)
# Needs g++, libeigen3-dev, r-base-core, r-cran-glmnet, python3-sklearn, python3-threadpoolctl.
# Data go to $DATA_DIR (default
# /tmp/logistic_neuron_path_data, about 90 MB). Prints one line per tool and set, then the
# accuracy of both (the largest KKT residual of J over the path) and the ratios ours / glmnet.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
reps=${1:-3}
thresh=${2:-1e-7}
sets=${3:-"dense sparse"}
data=${DATA_DIR:-/tmp/logistic_neuron_path_data}
mkdir -p "$data"
bin="$data/path_bench"
native="$data/path_bench_native"
# A user's build (CMake's Release flags), and one for this machine (-march=native).
${CXX:-g++} -std=c++17 -O3 -DNDEBUG -I"$root/include" -I/usr/include/eigen3 \
  "$here/path_bench.cpp" -o "$bin" -pthread
${CXX:-g++} -std=c++17 -O3 -march=native -DNDEBUG -I"$root/include" -I/usr/include/eigen3 \
  "$here/path_bench.cpp" -o "$native" -pthread
for set in $sets; do
  [ -f "$data/$set.grid" ] || "$bin" prepare "$data" "$set"
  Rscript "$here/glmnet_bench.R" "$data" "$set" "$reps" "$thresh" | tee "$data/$set.glmnet_out"
  # Ours at the loosest round tolerance whose largest KKT residual is at or below glmnet's at
  # thresh 1e-7 (bench/README.md): built for this machine, then as a user's Release build (whose
  # coefficients the accuracy line reads); each on one thread (glmnet's resources), then with
  # the defaults (every core).
  # (PATH_BENCH_ALPHA, default 1, picks the elastic net's alpha for glmnet and ours alike.)
  case $set:${PATH_BENCH_ALPHA:-1} in
    dense:*) tolerance=5e-5 ;;
    sparse:1) tolerance=1e-6 ;;
    *) tolerance=1e-7 ;;
  esac
  : > "$data/$set.ours_out"
  for build in native release; do
    exe=$bin
    [ $build = native ] && exe=$native
    for threads in 1 0; do
      PATH_BENCH_TOLERANCE=$tolerance PATH_BENCH_THREADS=$threads PATH_BENCH_CV_THREADS=$threads \
        "$exe" ours "$data" "$set" "$reps" | sed "s/^ours/ours_${build}_threads_$threads/" |
        tee -a "$data/$set.ours_out"
    done
  done
  # scikit-learn's L1 path (warm-started LogisticRegression), under a budget of $SKLEARN_BUDGET_S
  # seconds a path (default 120). Its LogisticRegressionCV is not run here: one path takes longer
  # than glmnet's CV (bench/README.md has it timed).
  for solver in liblinear saga; do
    PATH_BENCH_BUDGET_S=${SKLEARN_BUDGET_S:-120} PATH_BENCH_NO_CV=1 \
      /usr/bin/python3 "$here/sklearn_bench.py" "$data" "$set" 1 "$solver" 1e-4 || true
  done
  "$bin" accuracy "$data" "$set"
  awk -v set="$set" '{ for (i = 2; i < NF; ++i) { if ($i == "path_median_s") p = $(i + 1); if ($i == "cv_median_s") c = $(i + 1) } }
    FNR == NR { gp = p; gc = c; next }
    { printf "ratio %s %s path ours/glmnet %.3f cv ours/glmnet %.3f\n", set, $1, p / gp, c / gc }' \
    "$data/$set.glmnet_out" "$data/$set.ours_out"
done
