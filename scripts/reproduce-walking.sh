#!/usr/bin/env bash
# Trains TorqueWalkingImitation2D-v0 and MuscleWalkingImitation2D-v0 from scratch with the shipped defaults and fixed
# seeds, evaluates each with `bioimitate test` (10 deterministic episodes over the whole reference), and prints per
# environment: falls, gait cycles walked, joint-angle tracking RMSE, training wall time and environment steps, and
# how the training time split between sampling (simulation) and network updates. Learning curves are in each run's
# test/report.html. Budgets: TORQUE_STEPS (default 700000) and MUSCLE_STEPS (default 2600960, 635 batches: about 9 min here; 2015232 walked on 2026-12-03 but not after a rounding-level simulator change); SEED (default 0).
# Usage: scripts/reproduce-walking.sh [torque] [muscle]   (both by default)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
B=.build/release/bioimitate
OUT=${OUT:-runs/reproduce-walking}
SEED=${SEED:-0}
# OpenBLAS keeps its default of one thread per core: the updates' minibatch products run 1.6x faster on two threads
# than on one here, and sampling's few-row products stay on one thread.
mkdir -p "$OUT"
specs=()
for which in "${@:-torque muscle}"; do
    for w in $which; do
        case $w in
            torque) specs+=("TorqueWalkingImitation2D-v0:${TORQUE_STEPS:-700000}") ;;
            muscle) specs+=("MuscleWalkingImitation2D-v0:${MUSCLE_STEPS:-2600960}") ;;
            *) echo "reproduce-walking: unknown '$w' (torque or muscle)" >&2; exit 1 ;;
        esac
    done
done
for spec in "${specs[@]}"; do
    id=${spec%%:*}; steps=${spec##*:}
    dir="$OUT/$id"
    rm -rf "$dir"
    start=$(date +%s)
    $B train --env "$id" --steps "$steps" --seed "$SEED" --out "$dir" > "$OUT/$id.train.log"
    wall=$(( $(date +%s) - start ))
    run=$(ls -d "$dir"/*/ | head -1)
    $B test --checkpoint "$run" --episodes 10 > "$OUT/$id.test.log"
    python3 - "$id" "$run" "$wall" <<'PY'
import csv, json, sys
env_id, run, wall = sys.argv[1], sys.argv[2], int(sys.argv[3])
m = json.load(open(f"{run}/test/metrics.json"))
rows = list(csv.DictReader(open(f"{run}/progress.csv")))
sample = sum(float(r["time/sample_seconds"] or 0) for r in rows)
update = sum(float(r["time/update_seconds"] or 0) for r in rows)
first = next((int(r["env_steps"]) for r in rows if r["reward/joint_rmse_deg"] and float(r["episode_length_mean"] or 0) > 230), None)
print(f"{env_id}: {m['falls']}/{m['episodes']} falls, {m['mean_gait_cycles']:.2f} gait cycles per episode, "
      f"tracking RMSE {m['mean_tracking_rmse_deg']:.2f} deg, COM error {m['mean_com_error_m']:.3f} m, "
      f"cost of transport {m['cost_of_transport_j_per_kg_m']:.2f} J/(kg m)")
print(f"  training: {rows[-1]['env_steps']} env steps in {wall / 60:.1f} min wall; sampling (simulation) {sample / 60:.1f} min, "
      f"network updates {update / 60:.1f} min; training episodes first reached full length near {first} steps")
print(f"  report: {run}test/report.html")
PY
done
