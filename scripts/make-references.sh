#!/usr/bin/env bash
# Regenerates the built-in reference motions (Sources/Sim/BuiltinReferences/*.json): one gait cycle per motion, as
# Fourier series fitted by `bioimitate make-reference` to the public recordings in ../shared/data/motions (the
# cycle length is detected, treadmill belt speed becomes forward progression). Jumping and the crouch gait are
# synthetic and built in code (Sources/Imitation/SyntheticMotion.swift), so they have no file here.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product bioimitate >/dev/null
B=.build/release/bioimitate
D=../shared/data/motions
O=Sources/Sim/BuiltinReferences
LICENSE="opensim-models (github.com/opensim-org/opensim-models, Apache-2.0 repository license)"
$B make-reference --motion $D/subject01_walk_IK.mot --model gait2d --name walking2d --out $O/walking2d.json \
  --source "subject01_walk_IK.mot, inverse kinematics of a healthy adult walking on a treadmill, $LICENSE, Pipelines/Gait10dof18musc"
$B make-reference --motion $D/subject01_walk1_ik.mot --model gait3d --name walking3d --out $O/walking3d.json \
  --source "subject01_walk1_ik.mot, inverse kinematics of a healthy adult walking on a treadmill, $LICENSE, Pipelines/Gait2354_Simbody"
# Running: one stride 2 s into the 10 s trial (past its start-up).
$B make-reference --motion $D/subject02_running_ik.mot --model gait2d --name running2d --start 2 --out $O/running2d.json \
  --source "subject02_running_ik.mot, treadmill running, Hamner, Seth & Delp 2010 (J Biomech 43:2709), $LICENSE, Pipelines/Hamner"
$B make-reference --motion $D/subject02_running_ik.mot --model gait3d --name running3d --start 2 --out $O/running3d.json \
  --source "subject02_running_ik.mot, treadmill running, Hamner, Seth & Delp 2010 (J Biomech 43:2709), $LICENSE, Pipelines/Hamner"
