"""Stable-Baselines3's VecEnv over bioimitate's vectorized environment (needs `pip install stable-baselines3`).

SB3 resets a finished copy within the step that ended it and passes the ended episode's last observation as
`info["terminal_observation"]`; the native vector environment does exactly that in its same-step autoreset mode.
Actions are exposed in [-1, 1] and rescaled to the environment's bounds (joint-angle targets or excitations), the
range SB3's Gaussian policies start centred in."""
import gymnasium as gym
import numpy as np
from gymnasium import spaces
from stable_baselines3.common.vec_env import VecEnv

from .env import INFO_NAMES
from .vector import ImitationVectorEnv


class SB3VecEnv(VecEnv):
    """`num_envs` copies of `env_id` stepped in one native call; kwargs go to ImitationVectorEnv (config,
    reference, num_threads, or model and actuation for your own model)."""

    def __init__(self, env_id=None, num_envs=8, seed=0, **kwargs):
        self.venv = ImitationVectorEnv(env_id, num_envs=num_envs, autoreset_mode=gym.vector.AutoresetMode.SAME_STEP, **kwargs)
        space = self.venv.single_action_space
        self._low, self._high = space.low.astype(np.float64), space.high.astype(np.float64)
        unit = spaces.Box(-1.0, 1.0, space.shape, np.float32)
        super().__init__(num_envs, self.venv.single_observation_space, unit)
        self._seed, self._actions = seed, None

    def seed(self, seed=None):
        self._seed = seed
        return [None if seed is None else seed + i for i in range(self.num_envs)]

    def reset(self):
        obs, _ = self.venv.reset(seed=self._seed)
        self._seed = None  # later resets continue each copy's own seed stream
        return obs

    def step_async(self, actions):
        unit = np.clip(np.asarray(actions, np.float64), -1.0, 1.0)
        self._actions = (self._low + (unit + 1.0) * 0.5 * (self._high - self._low)).astype(np.float32)

    def step_wait(self):
        obs, rewards, terminated, truncated, info = self.venv.step(self._actions)
        dones = terminated | truncated
        infos = []
        for i in range(self.num_envs):
            entry = {name: float(info[name][i]) for name in INFO_NAMES}
            if dones[i]:
                entry["terminal_observation"] = info["final_obs"][i]
                entry["TimeLimit.truncated"] = bool(truncated[i] and not terminated[i])
                if "fall_reason" in info and info["_fall_reason"][i]:
                    entry["fall_reason"] = info["fall_reason"][i]
            infos.append(entry)
        return obs, rewards.astype(np.float32), dones, infos

    def close(self):
        self.venv.close()

    def get_attr(self, attr_name, indices=None):
        return [getattr(self.venv, attr_name) for _ in self._get_indices(indices)]

    def set_attr(self, attr_name, value, indices=None):
        raise AttributeError(f"SB3VecEnv: setting {attr_name!r} on the copies is not supported")

    def env_method(self, method_name, *method_args, indices=None, **method_kwargs):
        raise AttributeError(f"SB3VecEnv: calling {method_name!r} on the copies is not supported")

    def env_is_wrapped(self, wrapper_class, indices=None):
        return [False for _ in self._get_indices(indices)]
