#!/usr/bin/env python3
"""What stepping through Python (gymnasium + ctypes) adds to the same steps in Swift: each run times the whole
Python step loop and, inside it, the library's step and reset calls alone (the Swift environment), over the same random-action
steps with resets. Prints the median over runs. Needs scripts/setup-python.
Usage: scripts/bench_python.py [--steps N] [--runs R] [ENV_ID ...]"""
import argparse
import statistics
import time

import gymnasium as gym
import numpy as np

import bioimitate  # noqa: F401  (registers the IDs)
from bioimitate import _native


def run(env_id, steps, seed):
    env = gym.make(env_id).unwrapped
    rng = np.random.default_rng(seed)
    actions = rng.uniform(env.action_space.low, env.action_space.high, (steps, env.action_space.shape[0])).astype(np.float32)
    inside = 0.0
    step_fn, reset_fn = _native.lib.bi_env_step, _native.lib.bi_env_reset

    def timed(fn):  # a Swift call (step or reset), timed from Python
        def call(*args):
            nonlocal inside
            t = time.perf_counter()
            r = fn(*args)
            inside += time.perf_counter() - t
            return r
        return call

    _native.lib.bi_env_step, _native.lib.bi_env_reset = timed(step_fn), timed(reset_fn)
    try:
        env.reset(seed=seed)
        start = time.perf_counter()
        for a in actions:
            _, _, term, trunc, _ = env.step(a)
            if term or trunc:
                env.reset()
        total = time.perf_counter() - start
    finally:
        _native.lib.bi_env_step, _native.lib.bi_env_reset = step_fn, reset_fn
        env.close()
    return steps / total, (total - inside) / inside


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("ids", nargs="*", default=["TorqueWalkingImitation2D-v0", "MuscleWalkingImitation2D-v0"])
    a = p.parse_args()
    for env_id in a.ids:
        results = [run(env_id, a.steps, r) for r in range(a.runs)]
        rate = statistics.median(r[0] for r in results)
        overhead = statistics.median(r[1] for r in results)
        print(f"{env_id}: {rate:.0f} steps/s through Python; Python adds {100 * overhead:.1f} % to the Swift step time "
              f"(median of {a.runs} runs of {a.steps} random-action steps)")


if __name__ == "__main__":
    main()
