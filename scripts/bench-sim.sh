#!/usr/bin/env bash
# Passive-simulation speed of bioimitate beside OpenSim 4.6 on the same files, set-up and accuracy, measured in the
# same run on this machine (medians). Needs: pip install opensim==4.6 numpy (for the OpenSim side).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
accuracy=${ACCURACY:-1e-3}
ours=$(.build/release/bioimitate bench --accuracy "$accuracy" --runs 5 | tee /dev/stderr)
theirs=$(python3 scripts/bench_opensim.py --cases "passive drop" --accuracy "$accuracy" --runs 3 | tee /dev/stderr)
for stem in gait0914_2d gait1422_3d; do
    a=$(echo "$ours" | awk -v s=$stem '$1==s{print $4}')
    b=$(echo "$theirs" | awk -v s=$stem '$1==s{print $4}')
    awk -v s=$stem -v a="$a" -v b="$b" 'BEGIN{printf "%s passive drop: bioimitate %.0f steps/s, OpenSim %.0f steps/s, ratio %.1fx\n", s, a, b, a/b}'
done
