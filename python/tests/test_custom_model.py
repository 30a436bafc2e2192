"""Your own model through Python: ImitationEnv(model=..., reference=..., actuation=...) and make_vec, as `train --model`."""
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import bioimitate


def test_builtin_model_as_custom_torque_env_passes_the_checker():
    env = bioimitate.ImitationEnv(model="gait2d", actuation="torque")
    check_env(env, skip_render_check=True)
    obs, _ = env.reset(seed=1)
    # Torque actions are target angles of every unlocked rotational coordinate, pelvis tilt included.
    assert env.action_names[0] == "pelvis_tilt" and "knee_angle_r" in env.action_names
    obs, reward, terminated, truncated, info = env.step(np.zeros(env.action_space.shape, np.float32))
    assert np.isfinite(obs).all() and np.isfinite(reward) and 0 <= info["imitation"] <= 1
    env.close()


def test_joints_actuation_keeps_the_same_actions():
    torque = bioimitate.ImitationEnv(model="gait2d", actuation="torque")
    joints = bioimitate.ImitationEnv(model="gait2d", actuation="joints")
    assert joints.action_names == torque.action_names and "pelvis_tilt" in joints.action_names
    torque.close(); joints.close()


def test_custom_vector_env_matches_single_env():
    single = bioimitate.ImitationEnv(model="gait2d", actuation="muscle")
    vec = bioimitate.make_vec(model="gait2d", actuation="muscle", num_envs=2, num_threads=1)
    a, _ = single.reset(seed=5)
    b, _ = vec.reset(seed=[5, 6])
    assert np.array_equal(a, b[0])
    action = np.full(single.action_space.shape, 0.2, np.float32)
    a, *_ = single.step(action)
    b, *_ = vec.step(np.stack([action, action]))
    assert np.array_equal(a, b[0])
    vec.close(); single.close()


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(model="/nonexistent/mine.osim", reference="/nonexistent/walk.mot"), "mine.osim"),
    (dict(model="gait2d", actuation="springs"), "must be muscle, torque or joints"),
])
def test_bad_custom_input_is_one_line(kwargs, fragment):
    with pytest.raises(bioimitate.BioimitateError) as e:
        bioimitate.ImitationEnv(**kwargs)
    assert fragment in str(e.value) and "\n" not in str(e.value)


def test_env_id_and_model_do_not_go_together():
    with pytest.raises(ValueError):
        bioimitate.ImitationEnv("TorqueWalkingImitation2D-v0", model="gait2d")
