#!/usr/bin/env python3
"""Stable-Baselines3 PPO on a bioimitate task through the vectorized environment (bioimitate.sb3.SB3VecEnv), then
the same evaluation `bioimitate test` makes: 10 deterministic episodes of the whole reference (test mode), falls and
the tracking RMSE pooled over all steps. Hyperparameters are bioimitate's PPO defaults (configs/train_default.json)
where SB3 has the same knob; observations and rewards are normalized by SB3's VecNormalize.

  pip install "stable-baselines3>=2.3" ./python         # from the checkout, after scripts/setup
  python python/examples/sb3_ppo_walking.py --steps 1500000 --out runs/sb3-walking
  python python/examples/sb3_ppo_walking.py --evaluate runs/sb3-walking"""
import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.vec_env import VecMonitor, VecNormalize

from bioimitate.sb3 import SB3VecEnv


def train(a):
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    env = VecNormalize(VecMonitor(SB3VecEnv(a.env, num_envs=a.num_envs, seed=a.seed)), gamma=0.99, clip_obs=10.0)
    model = PPO("MlpPolicy", env, n_steps=4096 // a.num_envs, batch_size=512, n_epochs=8, learning_rate=3e-4,
                gamma=0.99, gae_lambda=0.95, clip_range=0.2, ent_coef=0.0, vf_coef=1.0, max_grad_norm=0.5,
                policy_kwargs=dict(net_arch=dict(pi=[256, 256], vf=[256, 256]), activation_fn=torch.nn.Tanh,
                                   log_std_init=-1.0),
                seed=a.seed, device="cpu", verbose=0)
    start = time.perf_counter()
    model.learn(total_timesteps=a.steps, progress_bar=False, callback=Progress())
    seconds = time.perf_counter() - start
    model.save(out / "model.zip")
    env.save(str(out / "vecnormalize.pkl"))
    summary = {"env": a.env, "steps": model.num_timesteps, "train_seconds": seconds,
               "steps_per_second": model.num_timesteps / seconds, "num_envs": a.num_envs, "seed": a.seed,
               "torch_threads": torch.get_num_threads()}
    (out / "train.json").write_text(json.dumps(summary, indent=2))
    print(f"trained {model.num_timesteps} steps in {seconds / 60:.1f} min ({summary['steps_per_second']:.0f} steps/s, "
          f"{a.num_envs} copies, torch threads {summary['torch_threads']})")
    env.close()


class Progress(BaseCallback):
    """Prints the mean return and length of recent episodes every 100k steps."""

    def __init__(self):
        super().__init__()
        self.printed = 0

    def _on_step(self):
        if self.num_timesteps // 100_000 > self.printed and self.model.ep_info_buffer:
            self.printed = self.num_timesteps // 100_000
            buf = self.model.ep_info_buffer
            print(f"  {self.num_timesteps:>9} steps  return {np.mean([e['r'] for e in buf]):8.2f}  "
                  f"length {np.mean([e['l'] for e in buf]):6.1f}", flush=True)
        return True


def evaluate(a):
    run = Path(a.evaluate)
    train_info = json.loads((run / "train.json").read_text())
    episodes = 10
    env = VecNormalize.load(str(run / "vecnormalize.pkl"),
                            SB3VecEnv(train_info["env"], num_envs=episodes, seed=0, config={"mode": "test"}))
    env.training, env.norm_reward = False, False
    model = PPO.load(run / "model.zip", device="cpu")
    obs = env.reset()
    running = np.ones(episodes, bool)
    squared, steps, lengths = 0.0, 0, np.zeros(episodes, int)
    falls = 0
    while running.any():
        action, _ = model.predict(obs, deterministic=True)
        obs, _, dones, infos = env.step(action)
        for i in np.flatnonzero(running):
            squared += infos[i]["joint_rmse_deg"] ** 2
            steps += 1
            lengths[i] += 1
            if dones[i]:
                running[i] = False
                falls += int(not infos[i]["TimeLimit.truncated"])
    rmse = (squared / steps) ** 0.5
    result = {"episodes": episodes, "falls": falls, "mean_tracking_rmse_deg": rmse, "mean_length": float(lengths.mean()),
              "trained_steps": train_info["steps"], "train_seconds": train_info["train_seconds"],
              "steps_per_second": train_info["steps_per_second"]}
    (run / "evaluation.json").write_text(json.dumps(result, indent=2))
    print(f"episodes: {episodes}\nfalls: {falls}\nmean_tracking_rmse_deg: {rmse:.2f}\nmean_length: {lengths.mean():.1f}")
    env.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--env", default="TorqueWalkingImitation2D-v0")
    p.add_argument("--steps", type=int, default=1_500_000)
    p.add_argument("--num-envs", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="runs/sb3-walking")
    p.add_argument("--evaluate", metavar="RUN", help="only evaluate a finished run folder")
    a = p.parse_args()
    if a.evaluate is None:
        train(a)
        a.evaluate = a.out
    evaluate(a)


if __name__ == "__main__":
    main()
