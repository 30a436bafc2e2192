"""A gymnasium VectorEnv whose copies step together in one native call, on worker threads."""
import ctypes

import gymnasium as gym
import numpy as np
from gymnasium.vector.utils import batch_space

from ._native import check, lib
from .env import INFO_NAMES, Layout, create


class ImitationVectorEnv(gym.vector.VectorEnv):
    """`num_envs` copies of one environment. Autoreset is gymnasium's default next-step mode: a copy that ended is
    reset by the following `step`, which ignores its action and returns the new first observation with reward 0.
    With `autoreset_mode=gymnasium.vector.AutoresetMode.SAME_STEP` it is reset within the step that ended it:
    that step returns the new first observation, and the ended episode's last one in `info["final_obs"]` (rows
    where `info["_final_obs"]`). `info` holds each INFO_NAMES number of the step as an array over the copies (with
    gymnasium's `_name` masks), `foot_loads` (num_envs x 6·feet) and, when a copy fell, `fall_reason`.
    `num_threads`: worker threads for the native step (0: one per core)."""

    metadata = {"autoreset_mode": gym.vector.AutoresetMode.NEXT_STEP, "render_modes": []}

    def __init__(self, env_id=None, num_envs=1, config=None, reference=None, num_threads=0,
                 autoreset_mode=gym.vector.AutoresetMode.NEXT_STEP, render_mode=None, max_episode_steps=None,
                 model=None, actuation=None):
        if max_episode_steps is not None:
            raise ValueError("max_episode_steps is not supported; set the episode length with config={'horizon': N}")
        self._handle = create("bi_vec_create", env_id, config, reference, render_mode, int(num_envs), int(num_threads),
                              model=model, actuation=actuation)
        mode = gym.vector.AutoresetMode(autoreset_mode)
        if mode not in (gym.vector.AutoresetMode.NEXT_STEP, gym.vector.AutoresetMode.SAME_STEP):
            raise ValueError(f"autoreset_mode {mode} is not supported (NEXT_STEP or SAME_STEP)")
        self.metadata = dict(self.metadata, autoreset_mode=mode)
        self._same_step = mode == gym.vector.AutoresetMode.SAME_STEP
        check(lib.bi_vec_set_same_step_reset(self._handle, int(self._same_step)))
        self.env_id = env_id
        self.num_envs = int(num_envs)
        self.num_threads = lib.bi_vec_num_threads(self._handle)
        layout = Layout(ctypes.c_void_p(lib.bi_vec_env(self._handle, 0)))
        self.single_observation_space, self.single_action_space = layout.observation_space, layout.action_space
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self.observation_names, self.action_names, self.dt = layout.observation_names, layout.action_names, layout.dt
        self.render_mode = None
        k, n, m = self.num_envs, len(layout.observation_names), len(layout.action_names)
        self._obs = np.zeros((k, n), np.float32)
        self._act = np.zeros((k, m), np.float32)
        self._rewards = np.zeros(k, np.float64)
        self._terminated, self._truncated = np.zeros(k, np.int32), np.zeros(k, np.int32)
        self._info = np.zeros((k, layout.info_size), np.float64)
        self._seeds = np.zeros(k, np.uint64)
        self._final = np.zeros((k, n), np.float32)
        self._args = (self._act.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
                      self._obs.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
                      self._rewards.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                      self._terminated.ctypes.data_as(ctypes.POINTER(ctypes.c_int)),
                      self._truncated.ctypes.data_as(ctypes.POINTER(ctypes.c_int)),
                      self._info.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                      self._final.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        self._seeded = False
        self._everywhere = np.ones(k, bool)  # the `_name` mask of numbers every copy reports
        self._everywhere.flags.writeable = False

    def reset(self, *, seed=None, options=None):
        """seed: an int (copy i gets seed + i, as gymnasium's own vector envs do), a list of num_envs ints, or
        None (each copy continues its own seed stream; the first reset draws fresh entropy)."""
        super().reset(seed=seed if isinstance(seed, int) else None)
        if seed is None and self._seeded:
            seeds = None
        else:
            if seed is None:
                seed = int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))
            values = [seed + i for i in range(self.num_envs)] if isinstance(seed, int) else list(seed)
            if len(values) != self.num_envs:
                raise ValueError(f"reset: {len(values)} seeds for {self.num_envs} copies")
            self._seeds[:] = values
            seeds = self._seeds.ctypes.data_as(ctypes.POINTER(ctypes.c_uint64))
        self._seeded = True
        check(lib.bi_vec_reset(self._handle, seeds, self._args[1]))
        return self._obs.copy(), {}

    def step(self, actions):
        np.copyto(self._act, np.asarray(actions, dtype=np.float32).reshape(self._act.shape))
        check(lib.bi_vec_step(self._handle, *self._args))
        terminated, truncated = self._terminated != 0, self._truncated != 0
        values, everywhere = self._info.copy(), self._everywhere
        info = {}
        for j, name in enumerate(INFO_NAMES):
            info[name], info["_" + name] = values[:, j], everywhere
        info["foot_loads"], info["_foot_loads"] = values[:, len(INFO_NAMES):], everywhere
        if terminated.any():
            reasons = np.full(self.num_envs, None, object)
            for i in np.flatnonzero(terminated):
                reason = lib.bi_vec_fall_reason(self._handle, int(i))
                reasons[i] = reason.decode() if reason else None
            info["fall_reason"], info["_fall_reason"] = reasons, terminated
        if self._same_step:
            ended = terminated | truncated
            if ended.any():
                info["final_obs"], info["_final_obs"] = self._final.copy(), ended
        return self._obs.copy(), self._rewards.copy(), terminated, truncated, info

    def close_extras(self, **kwargs):
        if getattr(self, "_handle", None):
            lib.bi_vec_close(self._handle)
            self._handle = None

    def __del__(self):
        self.close_extras()


def make_vec(env_id=None, num_envs=1, **kwargs):
    """`num_envs` copies of `env_id` (or of `model=`, `reference=`, `actuation=`) stepped in one native call (see
    ImitationVectorEnv for kwargs)."""
    return ImitationVectorEnv(env_id, num_envs=num_envs, **kwargs)
