#!/usr/bin/env bash
# Simulation speed of bioimitate beside OpenSim 4.6 on the same files, set-ups and accuracy, measured in the same
# run on this machine (medians, 0.01 s steps, one core), for both of bioimitate's integrators (stiff is the default).
# Needs: pip install opensim==4.6 numpy (OpenSim side).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
accuracy=${ACCURACY:-1e-3}
cases=${CASES:-passive drop,muscle free,muscle locked}
stiff=$(.build/release/bioimitate bench --integrator stiff --accuracy "$accuracy" --runs 5 --cases "$cases" | tee /dev/stderr)
explicit=$(.build/release/bioimitate bench --integrator explicit --accuracy "$accuracy" --runs 5 --cases "$cases" | tee /dev/stderr)
theirs=$(python3 scripts/bench_opensim.py --cases "$cases" --accuracy "$accuracy" --runs 3 | tee /dev/stderr)
echo
rate() { echo "$1" | grep "^$2" | grep "$3" | awk '{for(i=1;i<=NF;i++) if($i=="steps/s") print $(i-1)}'; }
IFS=, read -ra list <<< "$cases"
for c in "${list[@]}"; do
    for stem in gait0914_2d gait1422_3d; do
        awk -v s="$stem" -v c="$c" -v a="$(rate "$stiff" "$stem" "$c")" -v e="$(rate "$explicit" "$stem" "$c")" \
            -v b="$(rate "$theirs" "$stem" "$c")" 'BEGIN{printf "%-12s %-14s OpenSim %6.0f steps/s   bioimitate stiff %7.0f (%5.1fx)   explicit %7.0f (%5.1fx)\n", s, c, b, a, a/b, e, e/b}'
    done
done
