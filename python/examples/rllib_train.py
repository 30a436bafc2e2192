#!/usr/bin/env python3
"""Ray RLlib PPO on a bioimitate environment, with env runners spread over the nodes of a Ray cluster. Each env
runner steps its copies through bioimitate's vectorized environment (one native call per step, RLlib's
VECTOR_ENTRY_POINT mode). Prints each iteration's env steps per second of sampling and of the whole iteration.

Setup (each node, from the checkout after scripts/setup): pip install "ray[rllib]" torch ./python
Cluster: on one host `ray start --head --port=6379`, on every other host `ray start --address=HEAD:6379`,
then on the head: python python/examples/rllib_train.py --address auto --runners 4 --iterations 10
Without --address a local Ray instance is started on this machine.
"""
import argparse
import collections
import time

import gymnasium as gym
import ray
from ray.rllib.algorithms.ppo import PPOConfig
from ray.tune.registry import register_env


def make_env(env_config):
    """A single environment, or (when RLlib asks for `num_envs`) bioimitate's vectorized one, stepping its copies
    on one thread since each env runner has one CPU."""
    import bioimitate
    if "num_envs" in env_config:
        return bioimitate.make_vec(env_config["env_id"], num_envs=env_config["num_envs"], config=env_config.get("config"),
                                   num_threads=1)
    return gym.make(env_config["env_id"], config=env_config.get("config"))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--env", default="TorqueWalkingImitation2D-v0")
    p.add_argument("--address", default=None, help="Ray cluster address (auto: the running cluster)")
    p.add_argument("--runners", type=int, default=2, help="env runners (rollout workers)")
    p.add_argument("--envs-per-runner", type=int, default=4, help="environment copies each env runner steps together")
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
        .env_runners(num_env_runners=a.runners, num_cpus_per_env_runner=1, rollout_fragment_length="auto",
                     num_envs_per_env_runner=a.envs_per_runner, gym_env_vectorize_mode=gym.VectorizeMode.VECTOR_ENTRY_POINT)
        .training(train_batch_size=a.batch, minibatch_size=500, num_epochs=4, lr=3e-4, gamma=0.99,
                  model={"fcnet_hiddens": [256, 256], "fcnet_activation": "tanh"})
        .resources(num_cpus_for_main_process=1)
    )
    algo = config.build()
    # Which node each env runner lives on (the local runner is the driver's).
    where = algo.env_runner_group.foreach_env_runner(lambda r: ray.get_runtime_context().get_node_id(), local_env_runner=False)
    print("env runners per node:", dict(collections.Counter(n[:8] for n in where)))
    previous = 0
    for i in range(a.iterations):
        start = time.perf_counter()
        r = algo.train()
        seconds = time.perf_counter() - start
        runners = r.get("env_runners", {})
        total = runners.get("num_env_steps_sampled_lifetime", r.get("num_env_steps_sampled_lifetime", 0))
        sampling = r.get("timers", {}).get("env_runner_sampling_timer", float("nan"))
        print(f"iteration {i + 1}: env steps {total:.0f}, sampling {(total - previous) / sampling:.0f} env steps/s "
              f"({(total - previous) / seconds:.0f} over the iteration), "
              f"episode return mean {runners.get('episode_return_mean', float('nan')):.2f}, "
              f"episode length mean {runners.get('episode_len_mean', float('nan')):.1f}, time {seconds:.1f} s", flush=True)
        previous = total
    algo.stop()
    ray.shutdown()


if __name__ == "__main__":
    main()
