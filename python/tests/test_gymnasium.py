"""The seventeen environments through ctypes and gymnasium: gymnasium's own checker, seeding, errors."""
import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import bioimitate

IDS = bioimitate.env_ids()


def test_all_seventeen_ids_are_registered():
    assert len(IDS) == 17
    assert all(i in gym.registry for i in IDS)


@pytest.mark.parametrize("env_id", IDS)
def test_gymnasium_env_checker_passes(env_id):
    env = gym.make(env_id)
    check_env(env.unwrapped, skip_render_check=True)
    obs, _ = env.reset(seed=3)
    assert obs.shape == env.observation_space.shape and obs.dtype == np.float32
    assert len(env.unwrapped.observation_names) == obs.size
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
    assert np.isfinite(obs).all() and np.isfinite(reward)
    assert 0 <= info["imitation"] <= 1 and "fall_reason" in info
    env.close()


def test_same_seed_same_trajectory():
    def run(seed):
        env = gym.make("TorqueWalkingImitation2D-v0")
        env.action_space.seed(seed)
        obs, _ = env.reset(seed=seed)
        out = [obs]
        for _ in range(30):
            obs, _, term, trunc, _ = env.step(env.action_space.sample())
            out.append(obs)
            if term or trunc:
                obs, _ = env.reset(seed=seed + 1)
        return np.array(out)

    assert np.array_equal(run(4), run(4))
    assert not np.array_equal(run(4), run(5))


def test_errors_are_messages_not_crashes():
    with pytest.raises(bioimitate.BioimitateError, match="unknown environment"):
        bioimitate.ImitationEnv("MuscleFlyingImitation2D-v0")
    with pytest.raises(bioimitate.BioimitateError, match="horizn"):
        bioimitate.ImitationEnv("MuscleWalkingImitation2D-v0", config={"horizn": 3})
    env = bioimitate.ImitationEnv("MuscleWalkingImitation2D-v0", config={"horizon": 2, "mode": "test"})
    env.reset(seed=0)
    bad = np.zeros(env.action_space.shape, np.float32)
    bad[3] = np.nan
    with pytest.raises(bioimitate.BioimitateError, match=r"action\[3\]"):
        env.step(bad)
    env.step(np.zeros(env.action_space.shape, np.float32))  # the handle is still usable
    with pytest.raises(bioimitate.BioimitateError, match="no such file|cannot read|reference"):
        bioimitate.ImitationEnv("MuscleWalkingImitation2D-v0", reference="/nonexistent.mot")
