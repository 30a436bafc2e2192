#!/usr/bin/env python3
"""Ray RLlib PPO on a bioimitate environment, with env runners spread over the nodes of a Ray cluster.

Setup (each node): scripts/setup-python, then pip install "ray[rllib]" torch
Cluster: on one host `ray start --head --port=6379`, on every other host `ray start --address=HEAD:6379`,
then on the head: scripts/rllib_train.py --address auto --runners 4 --iterations 10
Without --address a local Ray instance is started on this machine.
"""
import argparse
import collections

import gymnasium as gym
import ray
from ray.rllib.algorithms.ppo import PPOConfig
from ray.tune.registry import register_env


def make_env(env_config):
    import bioimitate  # noqa: F401  (registers the IDs in this worker process)
    return gym.make(env_config["env_id"], config=env_config.get("config"))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--env", default="TorqueWalkingImitation2D-v0")
    p.add_argument("--address", default=None, help="Ray cluster address (auto: the running cluster)")
    p.add_argument("--runners", type=int, default=2, help="env runners (rollout workers)")
    p.add_argument("--iterations", type=int, default=3)
    p.add_argument("--batch", type=int, default=2000, help="train batch size (env steps per iteration)")
    a = p.parse_args()

    ray.init(address=a.address)
    nodes = [n for n in ray.nodes() if n["Alive"]]
    print(f"cluster: {len(nodes)} nodes, {int(ray.cluster_resources().get('CPU', 0))} CPUs")
    register_env("bioimitate", make_env)
    config = (
        PPOConfig()
        .environment("bioimitate", env_config={"env_id": a.env})
        .env_runners(num_env_runners=a.runners, num_cpus_per_env_runner=1, rollout_fragment_length="auto")
        .training(train_batch_size=a.batch, minibatch_size=500, num_epochs=4, lr=3e-4, gamma=0.99,
                  model={"fcnet_hiddens": [256, 256], "fcnet_activation": "tanh"})
        .resources(num_cpus_for_main_process=1)
    )
    algo = config.build()
    # Which node each env runner lives on (the local runner is the driver's).
    where = algo.env_runner_group.foreach_env_runner(lambda r: ray.get_runtime_context().get_node_id(), local_env_runner=False)
    print("env runners per node:", dict(collections.Counter(n[:8] for n in where)))
    for i in range(a.iterations):
        r = algo.train()
        runners = r.get("env_runners", {})
        print(f"iteration {i + 1}: env steps {r.get('num_env_steps_sampled_lifetime', runners.get('num_env_steps_sampled_lifetime'))}, "
              f"episode return mean {runners.get('episode_return_mean', float('nan')):.2f}, "
              f"episode length mean {runners.get('episode_len_mean', float('nan')):.1f}, time {r.get('time_this_iter_s', 0):.1f} s")
    algo.stop()
    ray.shutdown()


if __name__ == "__main__":
    main()
