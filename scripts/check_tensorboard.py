#!/usr/bin/env python3
"""Reads a run directory's TensorBoard event file with TensorBoard's own event reader and checks that it holds the
expected scalar tags, one value per progress.csv row, at the same environment-step counts.

Needs: pip install tensorboard
Usage: scripts/check_tensorboard.py RUN_DIR
"""
import csv
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

COMMON = ["episode/return_mean", "episode/length_mean", "episode/falls", "time/steps_per_second", "train/learning_rate"]
BY_ALGO = {
    "ppo": ["loss/policy", "loss/value", "policy/kl", "policy/kl_coeff", "policy/entropy"],
    "sac": ["loss/critic", "loss/actor", "policy/alpha", "policy/entropy"],
}


def main(run):
    rows = list(csv.DictReader(open(f"{run}/progress.csv")))
    steps = [int(r["env_steps"]) for r in rows]
    algo = "ppo" if "loss/policy" in rows[0] else "sac"
    acc = EventAccumulator(run, size_guidance={"scalars": 0})
    acc.Reload()
    tags = set(acc.Tags()["scalars"])
    # Imitation environments also log their reward terms (means per step since the previous row).
    terms = [c for c in rows[0] if c.startswith("reward/")]
    missing = [t for t in COMMON + BY_ALGO[algo] + terms if t not in tags]
    if missing:
        sys.exit(f"missing tags: {missing} (found {sorted(tags)})")
    for tag in COMMON[:4] + terms:  # logged at every row; learner scalars start once updates do
        got = [e.step for e in acc.Scalars(tag)]
        if got != steps:
            sys.exit(f"{tag}: steps {got[:5]}... differ from progress.csv {steps[:5]}...")
    print(f"{run}: {len(tags)} scalar tags, {len(steps)} points each at steps {steps[0]}..{steps[-1]} ({algo}); TensorBoard check passed")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
