"""ctypes bindings of libbioimitate_env.so (Sources/EnvABI/bioimitate_env.h)."""
import ctypes
import os
from pathlib import Path

_NAME = "libbioimitate_env.so"


def _find_library():
    """BIOIMITATE_LIBRARY, else the copy installed with this package, else a build folder above it."""
    candidates = []
    if os.environ.get("BIOIMITATE_LIBRARY"):
        candidates.append(Path(os.environ["BIOIMITATE_LIBRARY"]))
    here = Path(__file__).resolve().parent
    candidates.append(here / _NAME)
    for parent in here.parents:
        candidates.append(parent / ".build" / "release" / _NAME)
    for path in candidates:
        if path.is_file():
            return str(path)
    raise OSError(f"{_NAME} not found: run scripts/setup-python, or set BIOIMITATE_LIBRARY to the built library")


lib = ctypes.CDLL(_find_library())
_env = ctypes.c_void_p
_f32 = ctypes.POINTER(ctypes.c_float)
_f64 = ctypes.POINTER(ctypes.c_double)
_i32 = ctypes.POINTER(ctypes.c_int)

for name, res, args in [
    ("bi_last_error", ctypes.c_char_p, []),
    ("bi_env_id_count", ctypes.c_int, []),
    ("bi_env_id", ctypes.c_char_p, [ctypes.c_int]),
    ("bi_env_create", _env, [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]),
    ("bi_env_create_custom", _env, [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]),
    ("bi_env_close", None, [_env]),
    ("bi_env_observation_size", ctypes.c_int, [_env]),
    ("bi_env_action_size", ctypes.c_int, [_env]),
    ("bi_env_step_size", ctypes.c_double, [_env]),
    ("bi_env_action_bounds", ctypes.c_int, [_env, _f32, _f32]),
    ("bi_env_observation_name", ctypes.c_char_p, [_env, ctypes.c_int]),
    ("bi_env_action_name", ctypes.c_char_p, [_env, ctypes.c_int]),
    ("bi_env_reset", ctypes.c_int, [_env, ctypes.c_uint64, _f32]),
    ("bi_env_step", ctypes.c_int, [_env, _f32, _f32, ctypes.POINTER(ctypes.c_double),
                                   ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int)]),
    ("bi_env_info_size", ctypes.c_int, [_env]),
    ("bi_env_info", ctypes.c_int, [_env, ctypes.POINTER(ctypes.c_double)]),
    ("bi_env_fall_reason", ctypes.c_char_p, [_env]),
    ("bi_vec_create", _env, [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]),
    ("bi_vec_create_custom", _env, [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]),
    ("bi_vec_close", None, [_env]),
    ("bi_vec_num_envs", ctypes.c_int, [_env]),
    ("bi_vec_num_threads", ctypes.c_int, [_env]),
    ("bi_vec_env", _env, [_env, ctypes.c_int]),
    ("bi_vec_reset", ctypes.c_int, [_env, ctypes.POINTER(ctypes.c_uint64), _f32]),
    ("bi_vec_step", ctypes.c_int, [_env, _f32, _f32, _f64, _i32, _i32, _f64, _f32]),
    ("bi_vec_set_same_step_reset", ctypes.c_int, [_env, ctypes.c_int]),
    ("bi_vec_fall_reason", ctypes.c_char_p, [_env, ctypes.c_int]),
]:
    fn = getattr(lib, name)
    fn.restype = res
    fn.argtypes = args


class BioimitateError(RuntimeError):
    """A call into the library failed; the message is the library's."""


def check(code):
    if code != 0:
        raise BioimitateError(lib.bi_last_error().decode())
    return code


def env_ids():
    return [lib.bi_env_id(i).decode() for i in range(lib.bi_env_id_count())]
