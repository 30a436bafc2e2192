#!/usr/bin/env python3
"""Loads a bioimitate checkpoint with Python's `safetensors` package and checks that a numpy forward pass of the
policy gives the actions the Swift binary computed for the same observations.

Needs: pip install safetensors numpy
Usage: scripts/check_safetensors.py CHECKPOINT_DIR PROBE_JSON
       (PROBE_JSON from `bioimitate test --checkpoint CHECKPOINT_DIR --probe 64 --out DIR`)
"""
import json
import sys

import numpy as np
from safetensors.numpy import load_file


def main(checkpoint, probe_path):
    meta = json.load(open(f"{checkpoint}/meta.json"))
    tensors = load_file(f"{checkpoint}/model.safetensors")
    prefix = "actor" if meta["algo"] == "sac" else "policy"
    layers = sorted({int(k.split(".")[1]) for k in tensors if k.startswith(prefix + ".") and k.endswith(".weight")})
    act = np.tanh if meta["activation"] == "tanh" else (lambda x: np.maximum(x, 0))
    probe = json.load(open(probe_path))
    obs = np.asarray(probe["observations"], dtype=np.float64)
    filt = meta.get("filter")
    if filt and filt["count"] > 1:  # the saved MeanStdFilter: (x - mean) / (std + 1e-8), clipped to +-10
        std = np.sqrt(np.asarray(filt["m2"]) / filt["count"])
        obs = np.clip((obs - np.asarray(filt["mean"])) / (std + 1e-8), -10, 10)
    x = obs
    for i in layers:
        w, b = tensors[f"{prefix}.{i}.weight"], tensors[f"{prefix}.{i}.bias"]  # torch.nn.Linear layout (out, in)
        x = x @ w.T.astype(np.float64) + b
        if i != layers[-1]:
            x = act(x)
    n = meta["action_size"]
    a = np.tanh(x[:, :n]) if meta["algo"] == "sac" else np.clip(x[:, :n], -1, 1)
    low, high = np.asarray(meta["action_low"]), np.asarray(meta["action_high"])
    actions = low + (a + 1) * 0.5 * (high - low)
    err = np.abs(actions - np.asarray(probe["actions"])).max()
    print(f"{len(obs)} observations, {len(layers)} layers, max |numpy - swift| action difference: {err:.3g}")
    if not err < 1e-4:
        sys.exit("safetensors check FAILED")
    print("safetensors check passed")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
