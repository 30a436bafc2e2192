#!/usr/bin/env bash
# Known-answer check of the learners on gymnasium's Pendulum-v1: trains SAC (15,000 steps) and PPO (400,000 steps)
# from the shipped configs for seeds 0 1 2, evaluates each with `bioimitate test` (10 deterministic episodes) and
# prints the median mean_return per algorithm. Targets: SAC >= -150, PPO >= -250.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
B=.build/release/bioimitate
OUT=${OUT:-runs/pendulum-known-answer}
mkdir -p "$(dirname "$OUT")"
# Small networks: BLAS threading costs more than it gains; the learners parallelize over environments themselves.
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
for algo in ${ALGOS:-sac ppo}; do
    results=()
    for seed in 0 1 2; do
        dir="$OUT/$algo-s$seed"
        rm -rf "$dir"
        start=$(date +%s)
        $B train --env Pendulum-v1 --algo $algo --config configs/${algo}_pendulum.json --seed $seed --out "$dir" > "$OUT-$algo-s$seed.log"
        run=$(ls -d "$dir"/*/ | head -1)
        r=$($B test --checkpoint "$run" --episodes 10 | awk '/^mean_return:/{print $2}')
        steps=$(tail -1 "$run/progress.csv" | cut -d, -f1)
        echo "$algo seed $seed: mean_return $r after $steps env steps ($(( $(date +%s) - start )) s wall)"
        results+=("$r")
    done
    median=$(printf '%s\n' "${results[@]}" | sort -g | sed -n 2p)
    echo "$algo median mean_return: $median"
done
