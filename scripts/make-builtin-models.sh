#!/usr/bin/env bash
# Regenerates the built-in model specs (Sources/Sim/BuiltinModels/*.json) from the public OpenSim models in
# ../shared/data/models. The specs are bioimitate's own format; the figures are those of the CC BY 3.0 models.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product bioimitate >/dev/null
B=.build/release/bioimitate
D=../shared/data/models
$B export-model --model $D/gait0914_2d.osim --out Sources/Sim/BuiltinModels/gait2d.json \
  --source "gait0914_2d.osim (bioimitation-gym data/2D/model/model_generic.osim, based on the OpenSim gait models by Seth, Delp et al.), CC BY 3.0"
$B export-model --model $D/gait1422_3d.osim --restore-foot-contact --restore-limit-forces --out Sources/Sim/BuiltinModels/gait3d.json \
  --source "gait1422_3d.osim (bioimitation-gym data/3D/model/model_generic.osim, adjusted by C. Ong from the OpenSim gait models), CC BY 3.0; foot contact and coordinate limit forces restored from the file's commented-out blocks"
