"""A gymnasium.Env over one bioimitate environment handle."""
import ctypes
import json

import gymnasium as gym
import numpy as np

from ._native import BioimitateError, check, lib


INFO_NAMES = ["imitation", "effort", "smoothness", "weighted_imitation", "weighted_effort", "weighted_smoothness",
              "joint_rmse_deg", "com_error_m", "power_w", "frame"]


def create(constructor, env_id, config, reference, render_mode, *extra, model=None, actuation=None):
    """A native handle from `constructor` ("bi_env_create" or "bi_vec_create"; with `model`, their `_custom`
    variants for your own model and motion), or the library's error."""
    if render_mode is not None:
        raise ValueError(f"render_mode {render_mode!r} is not supported; use `bioimitate rollout` for reports")
    if (env_id is None) == (model is None):
        raise ValueError("give exactly one of env_id or model")
    if actuation is not None and model is None:
        raise ValueError("actuation applies to model")
    text = json.dumps(config).encode() if config is not None else None
    encoded = reference.encode() if reference else None
    if model is not None:
        handle = getattr(lib, constructor + "_custom")(str(model).encode(), actuation.encode() if actuation else None, text,
                                                       encoded, *extra)
    else:
        handle = getattr(lib, constructor)(env_id.encode(), text, encoded, *extra)
    if not handle:
        raise BioimitateError(lib.bi_last_error().decode())
    return ctypes.c_void_p(handle)


class Layout:
    """What one environment handle says about itself: its spaces, the names of its numbers, its step size."""

    def __init__(self, handle):
        n, m = lib.bi_env_observation_size(handle), lib.bi_env_action_size(handle)
        low, high = np.zeros(m, np.float32), np.zeros(m, np.float32)
        check(lib.bi_env_action_bounds(handle, _ptr(low), _ptr(high)))
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, (n,), np.float32)
        self.action_space = gym.spaces.Box(low, high, dtype=np.float32)
        self.observation_names = [lib.bi_env_observation_name(handle, i).decode() for i in range(n)]
        self.action_names = [lib.bi_env_action_name(handle, i).decode() for i in range(m)]
        self.dt = lib.bi_env_step_size(handle)
        self.info_size = lib.bi_env_info_size(handle)


class ImitationEnv(gym.Env):
    """Flat float32 observations and actions (see `observation_names` and `action_names`); reward terms, tracking
    error and the fall reason in `info`. `config` is a dict over configs/env_default.json's keys; `reference` an
    OpenSim .mot/.sto to imitate instead of the built-in reference. Your own model instead of an ID:
    `ImitationEnv(model="my.osim", reference="walk_ik.mot", actuation="torque")`, as `bioimitate train --model`."""

    metadata = {"render_modes": []}

    def __init__(self, env_id=None, config=None, reference=None, render_mode=None, model=None, actuation=None):
        self._handle = create("bi_env_create", env_id, config, reference, render_mode, model=model, actuation=actuation)
        self.env_id = env_id
        layout = Layout(self._handle)
        self.observation_space, self.action_space = layout.observation_space, layout.action_space
        self.observation_names, self.action_names, self.dt = layout.observation_names, layout.action_names, layout.dt
        self._obs = np.zeros(self.observation_space.shape, np.float32)
        self._act = np.zeros(self.action_space.shape, np.float32)
        self._reward, self._terminated, self._truncated = ctypes.c_double(), ctypes.c_int(), ctypes.c_int()
        self._info = np.zeros(layout.info_size, np.float64)
        self._info_ptr = self._info.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
        self._obs_ptr, self._act_ptr = _ptr(self._obs), _ptr(self._act)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        # gymnasium's seeding: an explicit seed, else the next number of this env's generator.
        s = int(seed) if seed is not None else int(self.np_random.integers(0, 2**63))
        check(lib.bi_env_reset(self._handle, s, self._obs_ptr))
        return self._obs.copy(), {}

    def step(self, action):
        np.copyto(self._act, np.asarray(action, dtype=np.float32).reshape(self._act.shape))
        check(lib.bi_env_step(self._handle, self._act_ptr, self._obs_ptr, ctypes.byref(self._reward),
                              ctypes.byref(self._terminated), ctypes.byref(self._truncated)))
        lib.bi_env_info(self._handle, self._info_ptr)
        info = dict(zip(INFO_NAMES, self._info[:len(INFO_NAMES)].tolist()))
        info["foot_loads"] = self._info[len(INFO_NAMES):].copy()
        reason = lib.bi_env_fall_reason(self._handle)
        info["fall_reason"] = reason.decode() if reason else None
        return self._obs.copy(), self._reward.value, bool(self._terminated.value), bool(self._truncated.value), info

    def close(self):
        if getattr(self, "_handle", None):
            lib.bi_env_close(self._handle)
            self._handle = None

    def __del__(self):
        self.close()


def _ptr(a):
    return a.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
