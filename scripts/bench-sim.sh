#!/usr/bin/env bash
# Simulation speed of bioimitate beside OpenSim 4.6 on the same files, set-ups and accuracy, measured in the same
# run on this machine (medians, 0.01 s steps, one core). Needs: pip install opensim==4.6 numpy (OpenSim side).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
accuracy=${ACCURACY:-1e-3}
cases=${CASES:-passive drop,muscle free,muscle locked}
ours=$(.build/release/bioimitate bench --accuracy "$accuracy" --runs 5 --cases "$cases" | tee /dev/stderr)
theirs=$(python3 scripts/bench_opensim.py --cases "$cases" --accuracy "$accuracy" --runs 3 | tee /dev/stderr)
echo
IFS=, read -ra list <<< "$cases"
for c in "${list[@]}"; do
    for stem in gait0914_2d gait1422_3d; do
        a=$(echo "$ours" | grep "^$stem" | grep "$c" | awk '{for(i=1;i<=NF;i++) if($i=="steps/s") print $(i-1)}')
        b=$(echo "$theirs" | grep "^$stem" | grep "$c" | awk '{for(i=1;i<=NF;i++) if($i=="steps/s") print $(i-1)}')
        awk -v s="$stem" -v c="$c" -v a="$a" -v b="$b" 'BEGIN{printf "%-12s %-14s bioimitate %8.0f steps/s   OpenSim %6.0f steps/s   ratio %5.1fx\n", s, c, a, b, a/b}'
    done
done
