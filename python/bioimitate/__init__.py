"""bioimitate's imitation environments for gymnasium: `import bioimitate` registers every ID, then
`gymnasium.make("MuscleWalkingImitation2D-v0")` and `gymnasium.make_vec(ID, num_envs=N)` work. The simulator is
bioimitate's Swift library (libbioimitate_env.so, shipped inside this package), called through ctypes."""
import gymnasium as gym

from ._native import BioimitateError, env_ids
from .env import ImitationEnv
from .vector import ImitationVectorEnv, make_vec

__all__ = ["ImitationEnv", "ImitationVectorEnv", "BioimitateError", "env_ids", "make_vec"]

for _id in env_ids():
    if _id not in gym.registry:
        gym.register(id=_id, entry_point="bioimitate.env:ImitationEnv",
                     vector_entry_point="bioimitate.vector:ImitationVectorEnv", kwargs={"env_id": _id})
