#!/usr/bin/env bash
# Simulation speed of bioimitate beside OpenSim 4.6 on the same files, set-ups and accuracy (0.01 s steps, one core).
# This machine's speed drifts by more than the differences measured, so each round times OpenSim and then bioimitate
# on the same case, the same number of runs each, and the ratio is the median of the per-round ratios of the fastest
# runs and of the median runs (scripts/bench_opensim.py --against). Then bioimitate alone with its explicit integrator.
# Needs: pip install opensim==4.6 numpy (OpenSim side).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
accuracy=${ACCURACY:-1e-3}
cases=${CASES:-passive drop,muscle free,muscle locked}
rounds=${ROUNDS:-7}
python3 scripts/bench_opensim.py --against .build/release/bioimitate --integrator stiff --cases "$cases" \
    --accuracy "$accuracy" --runs "$rounds"
.build/release/bioimitate bench --integrator explicit --accuracy "$accuracy" --runs 5 --cases "$cases"
