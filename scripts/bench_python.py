#!/usr/bin/env python3
"""What Python costs and what the vectorized environment gains, each against a baseline measured in the same run, with
random actions and resets everywhere:
  gym.make   one environment through gymnasium + ctypes: Python's share = (wall - inside the library's calls) / inside
  one core   one copy stepped natively on one thread (time inside bi_vec_step only)
  2 procs    two independent processes each doing the same (the machine's ceiling for two cores)
  vec N      N copies through bioimitate.make_vec on one worker thread per core (wall time of env.step), and
             Python's share over the time inside bi_vec_step
Each figure is the median of --runs runs of --steps environment steps (all copies together). Needs the package
installed (scripts/setup-python or pip install ./python).
Usage: scripts/bench_python.py [--steps N] [--runs R] [--copies 2 8 16] [ENV_ID ...]"""
import argparse
import multiprocessing
import statistics
import time

import contextlib

import gymnasium as gym
import numpy as np

import bioimitate
from bioimitate import _native


@contextlib.contextmanager
def timing(*names):
    """Replaces the library functions `names` by timed wrappers; yields a one-element list holding the seconds spent
    inside them."""
    inside, real = [0.0], {n: getattr(_native.lib, n) for n in names}

    def timed(fn):
        def call(*args):
            t = time.perf_counter()
            r = fn(*args)
            inside[0] += time.perf_counter() - t
            return r
        return call

    for n, fn in real.items():
        setattr(_native.lib, n, timed(fn))
    try:
        yield inside
    finally:
        for n, fn in real.items():
            setattr(_native.lib, n, fn)


def single_rate(env_id, steps, seed):
    """(steps per second through gymnasium.make, Python's share over the library's step and reset time)."""
    env = gym.make(env_id).unwrapped
    rng = np.random.default_rng(seed)
    actions = rng.uniform(env.action_space.low, env.action_space.high, (steps, env.action_space.shape[0])).astype(np.float32)
    env.reset(seed=seed)
    with timing("bi_env_step", "bi_env_reset") as inside:
        start = time.perf_counter()
        for a in actions:
            _, _, term, trunc, _ = env.step(a)
            if term or trunc:
                env.reset()
        total = time.perf_counter() - start
    env.close()
    return steps / total, (total - inside[0]) / inside[0]


def native_rate(env_id, steps, seed, threads=1, copies=1):
    """Steps per second inside bi_vec_step alone, one copy on `threads` threads."""
    env = bioimitate.make_vec(env_id, num_envs=copies, num_threads=threads)
    rng = np.random.default_rng(seed)
    space = env.single_action_space
    actions = rng.uniform(space.low, space.high, (steps // copies, copies, space.shape[0])).astype(np.float32)
    env.reset(seed=seed)
    step, args = _native.lib.bi_vec_step, env._args
    inside = 0.0
    for a in actions:
        np.copyto(env._act, a)
        t = time.perf_counter()
        step(env._handle, *args)
        inside += time.perf_counter() - t
    env.close()
    return len(actions) * copies / inside


def _process(args):
    return native_rate(*args)


def vector_rate(env_id, copies, steps, seed):
    """(steps per second of the Python VectorEnv, Python's share over the native step time)."""
    env = bioimitate.make_vec(env_id, num_envs=copies)
    rng = np.random.default_rng(seed)
    space = env.single_action_space
    actions = rng.uniform(space.low, space.high, (steps // copies, copies, space.shape[0])).astype(np.float32)
    env.reset(seed=seed)
    with timing("bi_vec_step") as inside:
        start = time.perf_counter()
        for a in actions:
            env.step(a)
        total = time.perf_counter() - start
    env.close()
    return len(actions) * copies / total, (total - inside[0]) / inside[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=8000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--copies", type=int, nargs="+", default=[2, 8, 16])
    p.add_argument("ids", nargs="*", default=["TorqueWalkingImitation2D-v0", "MuscleWalkingImitation2D-v0"])
    a = p.parse_args()
    ctx = multiprocessing.get_context("spawn")
    for env_id in a.ids:
        single = [single_rate(env_id, a.steps, r) for r in range(a.runs)]
        print(f"{env_id}: gymnasium.make {statistics.median(s[0] for s in single):.0f} steps/s; Python adds "
              f"{100 * statistics.median(s[1] for s in single):.1f} % to the library's step time")
        one = statistics.median(native_rate(env_id, a.steps, r) for r in range(a.runs))
        with ctx.Pool(2) as pool:
            pairs = []
            for r in range(a.runs):
                rates = pool.map(_process, [(env_id, a.steps, 2 * r), (env_id, a.steps, 2 * r + 1)])
                pairs.append(sum(rates))
        two = statistics.median(pairs)
        ceiling = min(1.8 * one, 0.9 * two)
        print(f"  one copy natively on one core {one:.0f} steps/s; two native processes {two:.0f} steps/s "
              f"({two / one:.2f}x); goal min(1.8x one core, 90 % of two processes) = {ceiling:.0f} steps/s")
        for n in a.copies:
            results = [vector_rate(env_id, n, a.steps, r) for r in range(a.runs)]
            rate = statistics.median(r[0] for r in results)
            overhead = statistics.median(r[1] for r in results)
            print(f"  make_vec num_envs={n}: {rate:.0f} steps/s = {rate / one:.2f}x one core, "
                  f"{rate / two:.2f} of two processes; Python adds {100 * overhead:.1f} % to the native step time")
        print(f"  (medians of {a.runs} runs of {a.steps} random-action steps each)")


if __name__ == "__main__":
    main()
