"""The vectorized environment: gymnasium.make_vec for every ID, the same numbers as single environments, next-step
autoreset, thread-count independence and errors."""
import gymnasium as gym
import numpy as np
import pytest

import bioimitate

IDS = bioimitate.env_ids()


@pytest.mark.parametrize("env_id", IDS)
def test_make_vec_steps_every_id(env_id):
    env = gym.make_vec(env_id, num_envs=3)
    assert isinstance(env.unwrapped, bioimitate.ImitationVectorEnv)
    assert env.metadata["autoreset_mode"] == gym.vector.AutoresetMode.NEXT_STEP
    obs, _ = env.reset(seed=5)
    assert obs.shape == (3,) + env.single_observation_space.shape and obs.dtype == np.float32
    assert env.observation_space.contains(obs)
    env.action_space.seed(5)
    for _ in range(3):
        obs, rewards, terminated, truncated, info = env.step(env.action_space.sample())
    assert obs.shape[0] == rewards.shape[0] == terminated.shape[0] == truncated.shape[0] == 3
    assert np.isfinite(obs).all() and np.isfinite(rewards).all() and terminated.dtype == bool
    assert info["joint_rmse_deg"].shape == (3,) and info["_joint_rmse_deg"].all()
    env.close()


def rollout_single(env_id, seed, actions):
    env = bioimitate.ImitationEnv(env_id)
    obs, _ = env.reset(seed=seed)
    out = [(obs, 0.0, False)]
    for a in actions:
        obs, r, term, trunc, _ = env.step(a)
        out.append((obs, r, term or trunc))
        if term or trunc:
            break
    env.close()
    return out


def test_copies_match_single_environments_until_their_episode_ends():
    env_id, n, steps = "TorqueWalkingImitation2D-v0", 4, 60
    env = bioimitate.make_vec(env_id, num_envs=n)
    rng = np.random.default_rng(0)
    actions = rng.uniform(env.single_action_space.low, env.single_action_space.high, (steps, n, env.single_action_space.shape[0])).astype(np.float32)
    obs, _ = env.reset(seed=10)
    vec = [obs]
    rewards, ends = [], []
    for a in actions:
        obs, r, term, trunc, _ = env.step(a)
        vec.append(obs); rewards.append(r); ends.append(term | trunc)
    env.close()
    some_ended = False
    for i in range(n):
        single = rollout_single(env_id, 10 + i, actions[:, i])
        np.testing.assert_array_equal(vec[0][i], single[0][0])
        for t, (o, r, done) in enumerate(single[1:]):
            np.testing.assert_array_equal(vec[t + 1][i], o)
            assert rewards[t][i] == r and ends[t][i] == done
        if single[-1][2] and len(single) - 1 < steps:
            some_ended = True
            t = len(single) - 1  # the step after the end: an autoreset that ignores the action
            assert rewards[t][i] == 0 and not ends[t][i]
            assert not np.array_equal(vec[t + 1][i], vec[t][i])
    assert some_ended, "random actions should end at least one episode in 60 steps"


def test_thread_count_does_not_change_results():
    def run(threads):
        env = bioimitate.make_vec("MuscleWalkingImitation2D-v0", num_envs=5, num_threads=threads)
        env.action_space.seed(1)
        obs, _ = env.reset(seed=2)
        out = [obs]
        for _ in range(40):
            obs, r, term, trunc, _ = env.step(env.action_space.sample())
            out += [obs, r[:, None], term[:, None], trunc[:, None]]
        env.close()
        return np.concatenate([o.reshape(5, -1).astype(np.float64) for o in out], axis=1)

    assert run(1).shape == run(2).shape
    np.testing.assert_array_equal(run(1), run(2))


def test_errors_are_messages_and_change_nothing():
    with pytest.raises(bioimitate.BioimitateError, match="num_envs"):
        bioimitate.make_vec("TorqueWalkingImitation2D-v0", num_envs=0)
    with pytest.raises(bioimitate.BioimitateError, match="unknown environment"):
        bioimitate.make_vec("TorqueFlyingImitation2D-v0", num_envs=2)

    def run(poison):
        env = bioimitate.make_vec("TorqueWalkingImitation2D-v0", num_envs=2, config={"horizon": 50, "mode": "test"})
        env.reset(seed=0)
        zero = np.zeros(env.action_space.shape, np.float32)
        if poison:
            bad = zero.copy()
            bad[1, 2] = np.inf
            with pytest.raises(bioimitate.BioimitateError, match=r"copy 1 action\[2\]"):
                env.step(bad)
        result = env.step(zero)
        env.close()
        return result[0]

    np.testing.assert_array_equal(run(True), run(False))


def test_same_step_autoreset_reports_the_final_observation():
    env_id, n, steps = "TorqueWalkingImitation2D-v0", 3, 60
    kinds = {}
    for mode in (gym.vector.AutoresetMode.NEXT_STEP, gym.vector.AutoresetMode.SAME_STEP):
        env = bioimitate.make_vec(env_id, num_envs=n, autoreset_mode=mode)
        assert env.metadata["autoreset_mode"] == mode
        rng = np.random.default_rng(3)
        space = env.single_action_space
        obs, _ = env.reset(seed=7)
        out = []
        for _ in range(steps):
            obs, r, term, trunc, info = env.step(rng.uniform(space.low, space.high, (n, space.shape[0])).astype(np.float32))
            out.append((obs, r, term | trunc, info))
        env.close()
        kinds[mode] = out
    # Until a copy's first episode ends, both modes agree; the ending step's SAME_STEP final_obs is NEXT_STEP's obs.
    nxt, same = kinds[gym.vector.AutoresetMode.NEXT_STEP], kinds[gym.vector.AutoresetMode.SAME_STEP]
    checked = 0
    for i in range(n):
        for t in range(steps):
            assert nxt[t][1][i] == same[t][1][i]
            if nxt[t][2][i]:
                assert same[t][3]["_final_obs"][i]
                np.testing.assert_array_equal(same[t][3]["final_obs"][i], nxt[t][0][i])
                assert not np.array_equal(same[t][0][i], nxt[t][0][i])  # already the next episode's start
                if same[t][3].get("_fall_reason", np.zeros(n, bool))[i]:
                    assert same[t][3]["fall_reason"][i]
                checked += 1
                break
            np.testing.assert_array_equal(same[t][0][i], nxt[t][0][i])
    assert checked > 0
