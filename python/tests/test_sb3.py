"""The Stable-Baselines3 adapter (skipped where stable-baselines3 is not installed: python/examples/README.md)."""
import numpy as np
import pytest

pytest.importorskip("stable_baselines3")
from stable_baselines3.common.vec_env import VecEnv  # noqa: E402

from bioimitate.sb3 import SB3VecEnv  # noqa: E402


def test_same_step_reset_with_terminal_observation_and_rescaled_actions():
    env = SB3VecEnv("TorqueWalkingImitation2D-v0", num_envs=4, seed=3)
    assert isinstance(env, VecEnv)
    assert (env.action_space.low == -1).all() and (env.action_space.high == 1).all()
    obs = env.reset()
    assert obs.shape == (4,) + env.observation_space.shape
    rng = np.random.default_rng(0)
    ended = 0
    for _ in range(80):
        obs, rewards, dones, infos = env.step(rng.uniform(-1, 1, (4,) + env.action_space.shape).astype(np.float32))
        assert obs.shape[0] == rewards.shape[0] == len(infos) == 4
        for i in np.flatnonzero(dones):
            terminal = infos[i]["terminal_observation"]
            assert terminal.shape == obs[i].shape and not np.array_equal(terminal, obs[i])
            assert isinstance(infos[i]["TimeLimit.truncated"], bool)
            ended += 1
    assert ended > 0
    # -1 and 1 reach the environment's own bounds.
    low, high = env.venv.single_action_space.low, env.venv.single_action_space.high
    env.step_async(np.tile(np.array([-1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0], np.float32), (4, 1)))
    np.testing.assert_allclose(env._actions[0, :2], [low[0], high[1]], rtol=1e-6)
    env.close()
