"""A gymnasium.Env over one bioimitate environment handle."""
import ctypes
import json

import gymnasium as gym
import numpy as np

from ._native import BioimitateError, check, lib


INFO_NAMES = ["imitation", "effort", "smoothness", "weighted_imitation", "weighted_effort", "weighted_smoothness",
              "joint_rmse_deg", "com_error_m", "power_w", "frame"]


class ImitationEnv(gym.Env):
    """Flat float32 observations and actions (see `observation_names` and `action_names`); reward terms, tracking
    error and the fall reason in `info`. `config` is a dict over configs/env_default.json's keys; `reference` an
    OpenSim .mot/.sto to imitate instead of the built-in reference."""

    metadata = {"render_modes": []}

    def __init__(self, env_id, config=None, reference=None, render_mode=None):
        if render_mode is not None:
            raise ValueError(f"render_mode {render_mode!r} is not supported; use `bioimitate rollout` for reports")
        text = json.dumps(config).encode() if config is not None else None
        handle = lib.bi_env_create(env_id.encode(), text, reference.encode() if reference else None)
        if not handle:
            raise BioimitateError(lib.bi_last_error().decode())
        self._handle = ctypes.c_void_p(handle)
        self.env_id = env_id
        n, m = lib.bi_env_observation_size(self._handle), lib.bi_env_action_size(self._handle)
        low, high = action_bounds(self._handle, m)
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, (n,), np.float32)
        self.action_space = gym.spaces.Box(low, high, dtype=np.float32)
        self.observation_names = [lib.bi_env_observation_name(self._handle, i).decode() for i in range(n)]
        self.action_names = [lib.bi_env_action_name(self._handle, i).decode() for i in range(m)]
        self.dt = lib.bi_env_step_size(self._handle)
        self._obs = np.zeros(n, np.float32)
        self._act = np.zeros(m, np.float32)
        self._reward, self._terminated, self._truncated = ctypes.c_double(), ctypes.c_int(), ctypes.c_int()
        self._info = np.zeros(lib.bi_env_info_size(self._handle), np.float64)
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


def action_bounds(handle, size):
    low, high = np.zeros(size, np.float32), np.zeros(size, np.float32)
    check(lib.bi_env_action_bounds(handle, _ptr(low), _ptr(high)))
    return low, high


def _ptr(a):
    return a.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
