#!/usr/bin/env bash
# read_libsvm throughput against the disk's sequential read; see bench/libsvm_read/README.md.
#
#   bash bench/libsvm_read/run.sh
#
# BUILD_DIR (default /tmp/build-libsvm-bench) holds the program and the two 100 MB files, on
# the disk that is measured; REPS (default 7) is the number of interleaved repetitions. For each
# file it prints the medians in MB/s (10^6 bytes per second) and their ratio to "disk direct":
#   disk direct   dd iflag=direct bs=4M: the disk's sequential read, bypassing the page cache
#   disk cold     dd bs=4M after the file's pages were dropped: the disk through the page cache
#                 (with the kernel's readahead)
#   page cache    dd bs=4M with the file cached: reading at memory speed, no disk
#   reader ...    read_bench read: read_libsvm<Scalar>(path) into X and y, cold (the file's pages
#                 dropped first, so it comes from the disk) or warm (from the page cache), on 1
#                 thread or on all (LibsvmOptions::threads = 1 or 0)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-/tmp/build-libsvm-bench}
reps=${REPS:-7}
mkdir -p "$build"
eigen=$(pkg-config --cflags eigen3 2>/dev/null || echo -I/usr/include/eigen3)
# shellcheck disable=SC2086
${CXX:-g++} -std=c++17 -O3 -march=native -DNDEBUG -I"$root/include" $eigen \
  "$here/read_bench.cpp" -o "$build/read_bench" -pthread
bench=$build/read_bench

# The median of the numbers on stdin, one per line.
median() {
  sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# MB/s of one dd run of file $1 (more dd arguments after it), from dd's own bytes and seconds.
dd_rate() {
  dd if="$1" of=/dev/null bs=4M "${@:2}" 2>&1 |
    awk '/copied/ { for (i = 1; i <= NF; ++i) if ($i == "s,") printf "%.1f\n", $1 / $(i - 1) / 1e6 }'
}
# MB/s of one read_bench read (arguments: file scalar threads [cold]).
read_rate() { "$bench" read "$@" | awk '{ printf "%.1f\n", $2 / $1 / 1e6 }'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
  "$(date -u '+%Y-%m-%d %H:%M UTC'); cores a compute loop gets now: $("$bench" cores)"
names=("disk direct" "disk cold" "page cache"
       "reader double cold 1 thread" "reader double cold all threads"
       "reader double warm 1 thread" "reader double warm all threads"
       "reader float warm all threads")
for profile in full short; do
  file=$build/libsvm_100mb_$profile.svm
  [ -f "$file" ] || "$bench" generate "$file" 100 "$profile" 1
  sync
  declare -A rates=()
  for ((r = 0; r < reps; ++r)); do
    rates["disk direct"]+="$(dd_rate "$file" iflag=direct) "
    "$bench" drop "$file"
    rates["disk cold"]+="$(dd_rate "$file") "
    dd_rate "$file" > /dev/null
    rates["page cache"]+="$(dd_rate "$file") "
    rates["reader double cold 1 thread"]+="$(read_rate "$file" double 1 cold) "
    rates["reader double cold all threads"]+="$(read_rate "$file" double 0 cold) "
    dd_rate "$file" > /dev/null
    rates["reader double warm 1 thread"]+="$(read_rate "$file" double 1) "
    rates["reader double warm all threads"]+="$(read_rate "$file" double 0) "
    rates["reader float warm all threads"]+="$(read_rate "$file" float 0) "
  done
  read -r _ bytes rows nnz _ < <("$bench" read "$file" double 0)
  echo
  echo "file $profile: $bytes bytes, $rows rows, $nnz entries;" \
    "medians of $reps runs, MB/s (ratio to disk direct)"
  disk=$(tr ' ' '\n' <<< "${rates["disk direct"]}" | grep . | median)
  for name in "${names[@]}"; do
    rate=$(tr ' ' '\n' <<< "${rates[$name]}" | grep . | median)
    ratio=$(awk -v a="$rate" -v b="$disk" 'BEGIN { printf "%.2f", a / b }')
    printf '  %-32s %8.1f  (%s)   runs: %s\n' "$name" "$rate" "$ratio" "${rates[$name]}"
  done
  unset rates
done
echo
echo "cores a compute loop gets at the end: $("$bench" cores)"
