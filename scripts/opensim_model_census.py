#!/usr/bin/env python3
"""What OpenSim 4.6 makes of every shared model: the table the loader's coverage tests read.

Needs: pip install opensim==4.6
Run from anywhere:   python3 scripts/opensim_model_census.py
Reads every .osim under ../shared/data/models (relative to the repository root; never copied) and writes
Tests/SimTests/ModelCensus/coordinates.csv: per model (path relative to that folder) and coordinate, in OpenSim's
CoordinateSet order, its motion type as OpenSim derives it (Coordinate::getMotionType), whether it is locked, its
default value and range. OpenSim's own answer is what the tests hold the loader to.
It also writes ik_poses.csv: inverse-kinematics files that OpenSim's examples ship (inDegrees=yes, translations in
metres) applied to the models they were made for, as OpenSim applies them (Storage, SimbodyEngine
convertDegreesToRadians, Coordinate.setValue, which leaves a locked coordinate at its value): each body's origin in
ground at a few rows of the file.
"""
import glob
import os

import opensim as osim

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.path.join(os.path.dirname(REPO), "shared", "data", "models")
OUT = os.path.join(REPO, "Tests", "SimTests", "ModelCensus")
MOTIONS = os.path.join(os.path.dirname(REPO), "shared", "data", "motions")
IK_CASES = [("gait10dof18musc.osim", "subject01_walk_IK.mot"),
            ("opensim-models/Gait2354_Simbody/gait2354_simbody.osim", "subject01_walk1_ik.mot"),
            ("opensim-models/Gait2392_Simbody/subject01.osim", "subject01_walk1_ik.mot"),
            ("gait1422_3d.osim", "subject01_walk1_ik.mot")]  # locked hip rotations and lumbar extension
IK_ROWS = [0, 20, 50]
MOTION = {1: "rotational", 2: "translational", 3: "coupled"}

osim.Logger.removeFileSink()
osim.Logger.setLevelString("off")


def main():
    rows = []
    for path in sorted(glob.glob(os.path.join(MODELS, "**", "*.osim"), recursive=True)):
        rel = os.path.relpath(path, MODELS)
        model = osim.Model(path)
        state = model.initSystem()
        cs = model.getCoordinateSet()
        for i in range(cs.getSize()):
            c = cs.get(i)
            rows.append([rel, str(i), c.getName(), MOTION.get(c.getMotionType(), "undefined"),
                         "1" if c.getDefaultLocked() else "0", repr(c.getDefaultValue()),
                         repr(c.getRangeMin()), repr(c.getRangeMax())])
        print(f"{rel}: {cs.getSize()} coordinates")
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "coordinates.csv"), "w") as f:
        f.write("model,index,coordinate,motion,locked,default,min,max\n")
        for r in rows:
            f.write(",".join(r) + "\n")
    print(f"wrote {len(rows)} rows")
    ik_poses()


def ik_poses():
    rows = []
    for model_rel, motion in IK_CASES:
        model = osim.Model(os.path.join(MODELS, model_rel))
        state = model.initSystem()
        sto = osim.Storage(os.path.join(MOTIONS, motion))
        model.getSimbodyEngine().convertDegreesToRadians(sto)
        labels = [sto.getColumnLabels().get(i) for i in range(sto.getColumnLabels().getSize())]
        cs = model.getCoordinateSet()
        for r in IK_ROWS:
            sv = sto.getStateVector(r)
            data = sv.getData()
            values = {labels[k + 1]: data.get(k) for k in range(data.getSize())}
            for i in range(cs.getSize()):
                c = cs.get(i)
                if c.getName() in values:
                    c.setValue(state, values[c.getName()], False)
            model.realizePosition(state)
            bs = model.getBodySet()
            for b in range(bs.getSize()):
                p = bs.get(b).getPositionInGround(state)
                rows.append([model_rel, motion, repr(sv.getTime()), bs.get(b).getName(), repr(p[0]), repr(p[1]), repr(p[2])])
    with open(os.path.join(OUT, "ik_poses.csv"), "w") as f:
        f.write("model,motion,time,body,x,y,z\n")
        for r in rows:
            f.write(",".join(r) + "\n")
    print(f"wrote {len(rows)} IK pose rows")


if __name__ == "__main__":
    main()
