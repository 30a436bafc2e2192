#!/usr/bin/env python3
"""Generate the OpenSim 4.6 reference tables that the Swift simulator tests are checked against.

Needs: pip install opensim==4.6 numpy
Run from anywhere:   python3 scripts/opensim_reference.py [--only poses,fk,mass,gen,drop,contact,paths,openloop]
It (re)writes every CSV in Tests/SimTests/Reference/ (see the README there for what each column means).
Models are read from ../shared/data/models/<stem>.osim relative to the repository root (never copied).
All random numbers come from numpy.random.default_rng(SEED) so reruns give identical tables.
"""
import argparse
import math
import os
import sys

import numpy as np
import opensim as osim

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "Tests", "SimTests", "Reference")
MODEL_DIR = "../shared/data/models"  # relative to the repository root
STEMS = ["gait0914_2d", "gait1422_3d", "gait10dof18musc"]
SEED = 20261125
N_RANDOM_POSES = 6

osim.Logger.removeFileSink()  # OpenSim would otherwise drop opensim.log into the model folder
osim.Logger.setLevelString("error")


# ---------------------------------------------------------------- helpers
def fmt(x):
    if isinstance(x, str):
        return x
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return format(float(x) + 0.0, ".17g")  # + 0.0 turns -0 into 0


def write_csv(name, header, rows):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(fmt(x) for x in r) + "\n")
    print(f"wrote {os.path.relpath(path, REPO)} ({len(rows)} rows, {os.path.getsize(path)} bytes)")


def model_path(stem):
    return os.path.join(MODEL_DIR, stem + ".osim")


def load(stem):
    return osim.Model(model_path(stem))


def coords(model):
    cs = model.getCoordinateSet()
    return [cs.get(i) for i in range(cs.getSize())]


def bodies(model):
    bs = model.getBodySet()
    return [bs.get(i) for i in range(bs.getSize())]


def is_rotational(c):
    return c.getMotionType() == 1  # Coordinate::Rotational


def vec(v, n):
    return np.array([v.get(i) for i in range(n)])


def vec3(v):
    return np.array([v.get(0), v.get(1), v.get(2)])


def mat33(R):
    return np.array([[R.get(i, j) for j in range(3)] for i in range(3)])


def to_matrix(M):
    return np.array([[M.get(i, j) for j in range(M.ncol())] for i in range(M.nrow())])


def coordinate_index_maps(model, state):
    """Return (qidx, uidx): system q / u index of each coordinate in CoordinateSet order.
    Found by perturbation: set one coordinate speed (value) and see which slot of state.getU() (getQ()) moved.
    Call it on a model without locked coordinates (a locked coordinate refuses setValue)."""
    cl = coords(model)
    nq, nu = state.getNQ(), state.getNU()
    q0, u0 = vec(state.getQ(), nq), vec(state.getU(), nu)
    qidx, uidx = [], []
    for c in cl:
        s = osim.State(state)
        c.setSpeedValue(s, c.getSpeedValue(s) + 0.123)
        du = vec(s.getU(), nu) - u0
        k = int(np.argmax(np.abs(du)))
        assert abs(du[k] - 0.123) < 1e-12 and np.count_nonzero(du) == 1, c.getName()
        uidx.append(k)
        s2 = osim.State(state)
        c.setValue(s2, c.getValue(s2) + 0.0123, False)
        dq = vec(s2.getQ(), nq) - q0
        k = int(np.argmax(np.abs(dq)))
        assert abs(dq[k] - 0.0123) < 1e-12 and np.count_nonzero(dq) == 1, c.getName()
        qidx.append(k)
    return qidx, uidx


def set_pose(model, state, q, u):
    """Set coordinates (CoordinateSet order). Locked coordinates are left at their default value / zero speed."""
    for c, qi, ui in zip(coords(model), q, u):
        if c.getDefaultLocked():
            continue
        c.setValue(state, float(qi), False)
        c.setSpeedValue(state, float(ui))
    model.realizeVelocity(state)


# ---------------------------------------------------------------- table 1: poses
def make_poses(model, state, rng):
    """Pose 0 = file defaults with zero speeds; poses 1..6 = uniform random values inside each unlocked
    coordinate's [range_min, range_max] and uniform random speeds (rotational: [-2,2] rad/s,
    translational: [-1,1] m/s). Locked coordinates keep the default value and zero speed."""
    cl = coords(model)
    q0 = np.array([c.getDefaultValue() for c in cl])
    poses = [(q0.copy(), np.zeros(len(cl)))]
    for _ in range(N_RANDOM_POSES):
        q = q0.copy()
        u = np.zeros(len(cl))
        for i, c in enumerate(cl):
            lo, hi = c.getRangeMin(), c.getRangeMax()
            a = rng.uniform(lo, hi)
            b = rng.uniform(-2.0, 2.0) if is_rotational(c) else rng.uniform(-1.0, 1.0)
            if not c.getDefaultLocked():
                q[i], u[i] = a, b
        poses.append((q, u))
    return poses


def table_poses(stem, poses, cl):
    header = ["pose"] + ["q_" + c.getName() for c in cl] + ["u_" + c.getName() for c in cl]
    rows = [[p] + list(q) + list(u) for p, (q, u) in enumerate(poses)]
    write_csv(f"{stem}_poses.csv", header, rows)


# ---------------------------------------------------------------- tables 2-4
def gravity_body_forces(model, state):
    """Spatial forces of gravity on every mobilized body, about each body origin, in ground
    (what Simbody's Force::Gravity applies): moment = (R * com) x (m g), force = m g."""
    g = vec3(model.getGravity())
    n = model.getBodySet().getSize() + 1
    F = osim.VectorOfSpatialVec(n, osim.SpatialVec(osim.Vec3(0), osim.Vec3(0)))
    for b in bodies(model):
        R = mat33(b.getTransformInGround(state).R())
        r = R @ vec3(b.getMassCenter())
        f = b.getMass() * g
        mom = np.cross(r, f)
        F.set(int(b.getMobilizedBodyIndex()),
              osim.SpatialVec(osim.Vec3(*mom), osim.Vec3(*f)))
    return F


def stripped_model(stem):
    """Same skeleton with every force removed and every coordinate unlocked (for cross-checks)."""
    m = load(stem)
    m.updForceSet().clearAndDestroy()
    for c in coords(m):
        c.setDefaultLocked(False)
    s = m.initSystem()
    return m, s


def tables_kinematics_dynamics(stem, rng, check=True):
    model = load(stem)
    state = model.initSystem()
    cl, bl = coords(model), bodies(model)
    n = len(cl)
    sm, ss = stripped_model(stem)  # same tree, no forces, no locks
    qidx, uidx = coordinate_index_maps(sm, ss)
    poses = make_poses(model, state, rng)
    table_poses(stem, poses, cl)
    matter = model.getMatterSubsystem()

    fk_rows, com_rows, mm_rows, gen_rows = [], [], [], []
    for p, (q, u) in enumerate(poses):
        s = osim.State(state)
        set_pose(model, s, q, u)
        # --- forward kinematics
        for b in bl:
            X = b.getTransformInGround(s)
            pos = vec3(X.p())
            R = mat33(X.R())
            v = vec3(b.getLinearVelocityInGround(s))
            w = vec3(b.getAngularVelocityInGround(s))
            fk_rows.append([p, b.getName()] + list(pos) + list(R.reshape(-1)) + list(v) + list(w))
            if check:
                assert np.allclose(R @ R.T, np.eye(3), atol=1e-12)
        com_rows.append([p, model.getTotalMass(s)] + list(vec3(model.calcMassCenterPosition(s)))
                        + list(vec3(model.calcMassCenterVelocity(s))))
        # --- mass matrix in coordinate order
        Mo = osim.Matrix()
        matter.calcM(s, Mo)
        Msys = to_matrix(Mo)
        M = Msys[np.ix_(uidx, uidx)]
        for i, c in enumerate(cl):
            mm_rows.append([p, c.getName()] + list(M[i]))
        # --- generalized forces. residual = M*udot + c(q,u) - tau_applied  (Simbody)
        zeros = osim.Vector(state.getNU(), 0.0)
        nob = osim.VectorOfSpatialVec(model.getBodySet().getSize() + 1,
                                      osim.SpatialVec(osim.Vec3(0), osim.Vec3(0)))
        res = osim.Vector()
        matter.calcResidualForceIgnoringConstraints(s, zeros, nob, zeros, res)
        cbias = vec(res, state.getNU())                 # = c(q,u)
        s0 = osim.State(s)
        s0.updU().setToZero()
        model.realizeVelocity(s0)
        matter.calcResidualForceIgnoringConstraints(s0, zeros, gravity_body_forces(model, s0), zeros, res)
        gsys = -vec(res, state.getNU())                 # = g(q) (c vanishes at u = 0)
        gq = gsys[uidx]
        vq = -cbias[uidx]                               # velocity-dependent force, M udot = g + v + ...
        for i, c in enumerate(cl):
            gen_rows.append([p, c.getName(), gq[i], vq[i]])

        if check:
            assert np.allclose(M, M.T, rtol=0, atol=1e-12 * np.abs(M).max())
            ev = np.linalg.eigvalsh(M)
            assert ev.min() > 0, ev
            # cross-check with a force-free, unlocked copy: M udot must equal g + v
            s2 = osim.State(ss)
            set_pose(sm, s2, q, u)
            sm.realizeAcceleration(s2)
            udot = vec(s2.getUDot(), ss.getNU())
            lhs = Msys @ udot
            err = np.abs(lhs - (gsys - cbias)).max()
            assert err < 1e-9 * max(1.0, np.abs(gsys).max()), err
            if p == len(poses) - 1:
                print(f"  {stem}: M eig [{ev.min():.4g}, {ev.max():.4g}], |M udot - (g+v)| = {err:.2e}")

    cb = ["x", "y", "z"]
    write_csv(f"{stem}_fk.csv",
              ["pose", "body", "px", "py", "pz"] + [f"R{i}{j}" for i in range(3) for j in range(3)]
              + ["vx", "vy", "vz", "wx", "wy", "wz"], fk_rows)
    write_csv(f"{stem}_com.csv", ["pose", "mass", "cx", "cy", "cz", "cvx", "cvy", "cvz"], com_rows)
    write_csv(f"{stem}_mass_matrix.csv", ["pose", "row"] + [c.getName() for c in cl], mm_rows)
    write_csv(f"{stem}_genforces.csv", ["pose", "coordinate", "gravity", "velocity"], gen_rows)
    # mapping table: where each coordinate lives in OpenSim's state vectors (documentation aid)
    write_csv(f"{stem}_coordinates.csv",
              ["index", "coordinate", "joint", "motion_type", "default", "range_min", "range_max",
               "locked", "clamped", "simbody_q_index", "simbody_u_index"],
              [[i, c.getName(), c.getJoint().getName(), "rotational" if is_rotational(c) else "translational",
                c.getDefaultValue(), c.getRangeMin(), c.getRangeMax(), int(c.getDefaultLocked()),
                int(c.getDefaultClamped()), qidx[i], uidx[i]] for i, c in enumerate(cl)])
    return model, poses


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="kin", help="comma list of: kin,drop,contact,paths,openloop")
    args = ap.parse_args()
    os.chdir(REPO)
    os.makedirs(OUT, exist_ok=True)
    only = set(args.only.split(","))
    if "kin" in only:
        for k, stem in enumerate(STEMS):
            rng = np.random.default_rng(SEED + k)
            tables_kinematics_dynamics(stem, rng)


if __name__ == "__main__":
    main()
