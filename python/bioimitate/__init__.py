"""bioimitate's imitation environments for gymnasium: `import bioimitate` registers every ID, then
`gymnasium.make("MuscleWalkingImitation2D-v0")` works. The simulator is bioimitate's Swift library
(libbioimitate_env.so), called through ctypes."""
import gymnasium as gym

from ._native import BioimitateError, env_ids
from .env import ImitationEnv

__all__ = ["ImitationEnv", "BioimitateError", "env_ids"]

for _id in env_ids():
    if _id not in gym.registry:
        gym.register(id=_id, entry_point="bioimitate.env:ImitationEnv", kwargs={"env_id": _id})
