#!/usr/bin/env python3
"""Generate the OpenSim 4.6 reference tables that the Swift simulator tests are checked against.

Needs: pip install opensim==4.6 numpy
Run from anywhere:   python3 scripts/opensim_reference.py [--only kin,contact,drop,paths,states,openloop,free]
It (re)writes every CSV in Tests/SimTests/Reference/ (see the README there for what each column means).
Models are read from ../shared/data/models/<stem>.osim relative to the repository root (never copied).
All random numbers come from numpy.random.default_rng(SEED) so reruns give identical tables.
"""
import argparse
import math
import os

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


def tables_kinematics_dynamics(stem, rng, check=True, write=True):
    model = load(stem)
    state = model.initSystem()
    cl, bl = coords(model), bodies(model)
    n = len(cl)
    sm, ss = stripped_model(stem)  # same tree, no forces, no locks
    qidx, uidx = coordinate_index_maps(sm, ss)
    poses = make_poses(model, state, rng)
    if not write:
        return model, poses
    table_poses(stem, poses, cl)
    matter = model.getMatterSubsystem()

    fk_rows, com_rows, mm_rows, gen_rows = [], [], [], []
    worst = [np.inf, 0.0, 0.0]  # min eigenvalue, max eigenvalue, max |M udot - (g + v)|
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
        if check:  # the pelvis frame follows the pelvis coordinates directly (planar models: Rz(tilt))
            names = [c.getName() for c in cl]
            pel = model.getBodySet().get("pelvis")
            pp = vec3(pel.getPositionInGround(s))
            for a, cn in enumerate(["pelvis_tx", "pelvis_ty", "pelvis_tz"]):
                if cn in names:
                    assert pp[a] == q[names.index(cn)], (cn, pp[a])
            if "pelvis_list" not in names:
                th = q[names.index("pelvis_tilt")]
                R = mat33(pel.getTransformInGround(s).R())
                assert np.allclose(R, [[math.cos(th), -math.sin(th), 0], [math.sin(th), math.cos(th), 0], [0, 0, 1]],
                                   atol=1e-15)
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
            worst = [min(worst[0], ev.min()), max(worst[1], ev.max()), max(worst[2], err)]
    if check:
        print(f"  {stem}: M eigenvalues over poses [{worst[0]:.4g}, {worst[1]:.4g}], "
              f"max |M udot - (g+v)| = {worst[2]:.2e}")

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


# ---------------------------------------------------------------- contact helpers
# gait1422_3d: the file's contact blocks are commented out; these are the commented-out values
# (platform half space on ground, orientation (0,0,-pi/2); HuntCrossley k=5e5, c=1, mu_s=mu_d=0.8, mu_v=0, vt=0.1)
RESTORED_3D_SPHERES = [  # name, body, location, radius
    ("r_heel", "calcn_r", (0.03, 0.02, 0.0), 0.05),
    ("r_toe1", "toes_r", (0.02, -0.005, -0.026), 0.025),
    ("r_toe2", "toes_r", (0.02, -0.005, 0.026), 0.025),
    ("l_heel", "calcn_l", (0.03, 0.02, 0.0), 0.05),
    ("l_toe1", "toes_l", (0.02, -0.005, -0.026), 0.025),
    ("l_toe2", "toes_l", (0.02, -0.005, 0.026), 0.025),
]
RESTORED_3D_PARAMS = dict(stiffness=5e5, dissipation=1.0, static_friction=0.8, dynamic_friction=0.8,
                          viscous_friction=0.0, transition_velocity=0.1)
GAIT0914_PARAMS = dict(stiffness=2e6, dissipation=1.0, static_friction=0.9, dynamic_friction=0.8,
                       viscous_friction=0.6, transition_velocity=0.1)


def add_hunt_crossley(model, name, geometry_names, prm):
    hc = osim.HuntCrossleyForce()
    hc.setName(name)
    # the convenience setters fill the force's single ContactParameters entry
    for g in geometry_names:
        hc.addGeometry(g)
    hc.setStiffness(prm["stiffness"])
    hc.setDissipation(prm["dissipation"])
    hc.setStaticFriction(prm["static_friction"])
    hc.setDynamicFriction(prm["dynamic_friction"])
    hc.setViscousFriction(prm["viscous_friction"])
    hc.setTransitionVelocity(prm["transition_velocity"])
    model.addForce(hc)
    return hc


def restore_3d_contact(model):
    """Add the commented-out platform, 6 spheres and 2 HuntCrossleyForces of gait1422_3d."""
    ground = model.getGround()
    model.addContactGeometry(osim.ContactHalfSpace(osim.Vec3(0), osim.Vec3(0, 0, -math.pi / 2), ground, "platform"))
    for name, body, loc, r in RESTORED_3D_SPHERES:
        model.addContactGeometry(osim.ContactSphere(r, osim.Vec3(*loc), model.getBodySet().get(body), name))
    add_hunt_crossley(model, "foot_r", ["platform", "r_heel", "r_toe1", "r_toe2"], RESTORED_3D_PARAMS)
    add_hunt_crossley(model, "foot_l", ["platform", "l_heel", "l_toe1", "l_toe2"], RESTORED_3D_PARAMS)


def remove_muscles(model):
    fs = model.updForceSet()
    for i in reversed(range(fs.getSize())):
        if osim.Muscle.safeDownCast(fs.get(i)) is not None:
            fs.remove(i)


def sphere_clearances(model, state):
    """Height of the lowest point of every ContactSphere above the plane y = 0 (the platform)."""
    model.realizePosition(state)
    cg = model.getContactGeometrySet()
    out = []
    for i in range(cg.getSize()):
        g = cg.get(i)
        sp = osim.ContactSphere.safeDownCast(g)
        if sp is None:
            continue
        X = g.getFrame().getTransformInGround(state)
        c = mat33(X.R()) @ vec3(g.get_location()) + vec3(X.p())
        out.append((g.getName(), c[1] - sp.getRadius()))
    return out


# ---------------------------------------------------------------- table 5: passive drop
DROP_CLEARANCE = 0.04


def drop_model(stem, keep_muscles=False):
    model = load(stem)
    if stem == "gait1422_3d":
        restore_3d_contact(model)
    if not keep_muscles:
        remove_muscles(model)
    state = model.initSystem()
    ty = model.getCoordinateSet().get("pelvis_ty")
    low = min(h for _, h in sphere_clearances(model, state))
    ty.setValue(state, ty.getValue(state) + DROP_CLEARANCE - low, False)
    low2 = min(h for _, h in sphere_clearances(model, state))
    assert abs(low2 - DROP_CLEARANCE) < 1e-12
    return model, state


def simulate(model, state, t_end, dt, accuracy, extra=None):
    """OpenSim Manager (default RungeKuttaMerson), integrate to each report time in turn."""
    cl = coords(model)
    manager = osim.Manager(model)
    manager.setIntegratorAccuracy(accuracy)
    state.setTime(0.0)
    manager.initialize(state)
    rows = []
    n = int(round(t_end / dt))
    s = state
    for k in range(n + 1):
        if k > 0:
            s = manager.integrate(k * dt)
        model.realizeVelocity(s)
        row = [s.getTime()] + [c.getValue(s) for c in cl] + [c.getSpeedValue(s) for c in cl]
        if extra is not None:
            row += extra(s)
        rows.append(row)
    return rows


def contact_force_columns(model):
    """Extra columns: force of each HuntCrossleyForce on the model (= minus its force on ground), ground frame."""
    fs = model.getForceSet()
    hcs = [fs.get(i) for i in range(fs.getSize()) if fs.get(i).getConcreteClassName() == "HuntCrossleyForce"]
    names = [f"F_{h.getName()}_{a}" for h in hcs for a in "xyz"]

    def extra(s):
        model.realizeDynamics(s)
        out = []
        for h in hcs:
            labels = [h.getRecordLabels().get(i) for i in range(h.getRecordLabels().size())]
            rv = h.getRecordValues(s)
            out += [-rv.get(labels.index(f"{h.getName()}.ground.force.{a}")) for a in "XYZ"]
        return out
    return extra, names


def tables_drop():
    for stem in ["gait0914_2d", "gait1422_3d"]:
        for acc, tag in [(1e-6, "1e-6"), (1e-3, "1e-3")]:
            model, state = drop_model(stem)
            cl = coords(model)
            if acc == 1e-6:
                fs = model.getForceSet()
                print(f"  {stem} drop keeps forces:", [fs.get(i).getName() for i in range(fs.getSize())])
            extra, extra_names = contact_force_columns(model)
            rows = simulate(model, state, 0.5, 0.005, acc, extra)
            header = ["time"] + ["q_" + c.getName() for c in cl] + ["u_" + c.getName() for c in cl] + extra_names
            write_csv(f"{stem}_drop_passive_acc{tag}.csv", header, rows)
            if acc == 1e-6:
                print(f"  {stem}: pelvis_ty {rows[0][1 + [c.getName() for c in cl].index('pelvis_ty')]:.4f} -> "
                      f"{rows[-1][1 + [c.getName() for c in cl].index('pelvis_ty')]:.4f}")


# ---------------------------------------------------------------- table 6: single sphere contact
CONTACT_DEPTHS = [-0.001, 0.0005, 0.001, 0.002, 0.005, 0.01]
CONTACT_VN = [-0.5, -0.1, 0.0, 0.2]          # vertical velocity of the sphere centre (negative = approaching)
CONTACT_VT = [(0.0, 0.0), (0.05, 0.0), (0.1, 0.0), (0.3, 0.0), (1.0, 0.0), (0.3, -0.4)]


def contact_table(tag, radius, prm):
    m = osim.Model()
    m.setGravity(osim.Vec3(0, -9.80665, 0))
    ball = osim.Body("ball", 1.0, osim.Vec3(0), osim.Inertia(0.01, 0.01, 0.01))
    m.addBody(ball)
    fj = osim.FreeJoint("free", m.getGround(), ball)
    m.addJoint(fj)
    m.addContactGeometry(osim.ContactHalfSpace(osim.Vec3(0), osim.Vec3(0, 0, -math.pi / 2), m.getGround(), "platform"))
    m.addContactGeometry(osim.ContactSphere(radius, osim.Vec3(0), ball, "sphere"))
    hc = add_hunt_crossley(m, "contact", ["platform", "sphere"], prm)
    s = m.initSystem()
    cs = m.getCoordinateSet()
    names = [cs.get(i).getName() for i in range(cs.getSize())]
    labels = [hc.getRecordLabels().get(i) for i in range(hc.getRecordLabels().size())]
    idx = [labels.index(f"contact.ball.{a}.{x}") for a in ("force", "torque") for x in "XYZ"]
    rows = []
    for d in CONTACT_DEPTHS:
        for vn in CONTACT_VN:
            for vx, vz in CONTACT_VT:
                st = osim.State(s)
                for n_ in names:
                    cs.get(n_).setValue(st, 0.0, False)
                    cs.get(n_).setSpeedValue(st, 0.0)
                # FreeJoint coordinates: 0-2 rotations, 3-5 translations x, y, z of the ball origin
                cs.get(4).setValue(st, radius - d, False)
                cs.get(3).setSpeedValue(st, vx)
                cs.get(4).setSpeedValue(st, vn)
                cs.get(5).setSpeedValue(st, vz)
                m.realizeDynamics(st)
                b = m.getBodySet().get("ball")
                assert abs(vec3(b.getPositionInGround(st))[1] - (radius - d)) < 1e-15
                assert np.allclose(vec3(b.getLinearVelocityInGround(st)), [vx, vn, vz], atol=1e-15)
                rv = hc.getRecordValues(st)
                rows.append([d, vx, vn, vz] + [rv.get(i) for i in idx])
    write_csv(f"contact_{tag}.csv", ["depth", "vx", "vy", "vz", "Fx", "Fy", "Fz", "Tx", "Ty", "Tz"], rows)


def tables_contact():
    contact_table("gait0914_2d_r04", 0.04, GAIT0914_PARAMS)
    contact_table("gait1422_3d_restored_r05", 0.05, RESTORED_3D_PARAMS)
    contact_table("gait1422_3d_restored_r025", 0.025, RESTORED_3D_PARAMS)


# ---------------------------------------------------------------- muscles: properties, paths, moment arms
def muscles(model):
    ms = model.getMuscles()
    return [ms.get(i) for i in range(ms.getSize())]


def table_muscle_properties(stem):
    """Muscle parameters as OpenSim holds them after loading (OpenSim may update some on load)."""
    model = load(stem)
    model.initSystem()
    rows = []
    for mu in muscles(model):
        cls = mu.getConcreteClassName()
        d = osim.Millard2012EquilibriumMuscle.safeDownCast(mu) if cls == "Millard2012EquilibriumMuscle" \
            else osim.Thelen2003Muscle.safeDownCast(mu)
        extra = [d.get_fiber_damping(), d.get_ActiveForceLengthCurve().get_minimum_value()] \
            if cls == "Millard2012EquilibriumMuscle" else ["", ""]
        rows.append([mu.getName(), cls, d.get_max_isometric_force(), d.get_optimal_fiber_length(),
                     d.get_tendon_slack_length(), d.get_pennation_angle_at_optimal(),
                     d.get_max_contraction_velocity(), int(d.get_ignore_tendon_compliance()),
                     int(d.get_ignore_activation_dynamics()), d.get_activation_time_constant(),
                     d.get_deactivation_time_constant(), d.get_default_activation(),
                     d.get_minimum_activation()] + extra)
    write_csv(f"{stem}_muscles.csv",
              ["muscle", "class", "max_isometric_force", "optimal_fiber_length", "tendon_slack_length",
               "pennation_angle_at_optimal", "max_contraction_velocity", "ignore_tendon_compliance",
               "ignore_activation_dynamics", "activation_time_constant", "deactivation_time_constant",
               "default_activation", "minimum_activation", "fiber_damping", "active_fl_minimum_value"], rows)


N_SWEEP = 9
SWEEP_INSET = 0.02
FD_WORST = [0.0]


def tables_paths(stem, poses):
    """Path length and moment arm sweeps; one coordinate at a time from the default pose."""
    model = load(stem)
    for c in coords(model):
        c.setDefaultLocked(False)  # path geometry ignores locks; lets the locked hip rotations be swept too
    state = model.initSystem()
    cl, ml = coords(model), muscles(model)
    rows = []
    for c in cl:
        if c.getName().startswith("pelvis_"):
            continue  # muscles run pelvis->femur and beyond: pelvis coordinates change no path length
        lo, hi = c.getRangeMin(), c.getRangeMax()
        # 2 % inset: at the range ends (= the last knots of the knee's spline functions) OpenSim's
        # computeMomentArm and -dL/dq disagree (one-sided spline derivatives), see README
        vals = np.linspace(lo + SWEEP_INSET * (hi - lo), hi - SWEEP_INSET * (hi - lo), N_SWEEP)
        per_muscle = {mu.getName(): [] for mu in ml}
        for v in vals:
            s = osim.State(state)
            c.setValue(s, float(v), False)
            model.realizePosition(s)
            for mu in ml:
                per_muscle[mu.getName()].append((v, mu.getLength(s), mu.computeMomentArm(s, c)))
            # check: moment arm = -dL/dq (central difference, h = 1e-6)
            sp, sm = osim.State(state), osim.State(state)
            c.setValue(sp, float(v) + 1e-6, False)
            c.setValue(sm, float(v) - 1e-6, False)
            model.realizePosition(sp)
            model.realizePosition(sm)
            for mu in ml:
                fd = -(mu.getLength(sp) - mu.getLength(sm)) / 2e-6
                err = abs(fd - per_muscle[mu.getName()][-1][2])
                FD_WORST[0] = max(FD_WORST[0], err)
        for mu in ml:
            pts = per_muscle[mu.getName()]
            if max(abs(p[2]) for p in pts) > 1e-9:  # the muscle spans this coordinate
                for v, L, r in pts:
                    rows.append([mu.getName(), c.getName(), v, L, r])
    print(f"  {stem}: max |moment arm + dL/dq (central diff.)| over all sweeps so far = {FD_WORST[0]:.2e} m")
    assert FD_WORST[0] < 1e-6
    write_csv(f"{stem}_muscle_paths.csv", ["muscle", "coordinate", "value", "length", "moment_arm"], rows)
    # full poses of table 1: length and every moment arm at once
    rows = []
    for p, (q, u) in enumerate(poses):
        s = osim.State(state)
        for c, qi in zip(cl, q):
            c.setValue(s, float(qi), False)
        model.realizePosition(s)
        for mu in ml:
            rows.append([p, mu.getName(), mu.getLength(s)] + [mu.computeMomentArm(s, c) for c in cl])
    write_csv(f"{stem}_muscle_paths_poses.csv", ["pose", "muscle", "length"] + ["ma_" + c.getName() for c in cl],
              rows)


# ---------------------------------------------------------------- table 8: open-loop muscle-driven simulation
EXC_OFFSET, EXC_AMP, EXC_FREQ = 0.3, 0.2, 1.5


def excitation(i, n, t):
    return EXC_OFFSET + EXC_AMP * math.sin(2 * math.pi * EXC_FREQ * t + 2 * math.pi * i / n)


def add_excitations(model, constant=None):
    """PrescribedController: muscle i (model.getMuscles() order, N muscles) gets
    Sine(amplitude 0.2, omega 2*pi*1.5, phase 2*pi*i/N, offset 0.3), or Constant(constant)."""
    ctrl = osim.PrescribedController()
    ctrl.setName("openloop")
    ml = muscles(model)
    for i, mu in enumerate(ml):
        ctrl.addActuator(mu)
        f = osim.Constant(constant) if constant is not None else \
            osim.Sine(EXC_AMP, 2 * math.pi * EXC_FREQ, 2 * math.pi * i / len(ml), EXC_OFFSET)
        ctrl.prescribeControlForActuator(mu.getName(), f)
    model.addController(ctrl)


def muscle_columns(model):
    ml = muscles(model)
    names = [f"{k}_{mu.getName()}" for k in ("a", "lm", "ft") for mu in ml]

    def extra(s):
        model.realizeDynamics(s)
        return [mu.getActivation(s) for mu in ml] + [mu.getFiberLength(s) for mu in ml] + \
               [mu.getTendonForce(s) for mu in ml]
    return extra, names


SUSPEND_CLEARANCE = 1.0


def tables_openloop(stem, accuracy=1e-6, write=True):
    model = load(stem)
    for c in coords(model):
        if c.getName().startswith("pelvis_"):
            c.setDefaultLocked(True)
    add_excitations(model)
    state = model.initSystem()
    if model.getContactGeometrySet().getSize() > 0:  # lift the locked pelvis so the feet never reach the floor
        ty = model.getCoordinateSet().get("pelvis_ty")
        ty.setLocked(state, False)
        low = min(h for _, h in sphere_clearances(model, state))
        ty.setValue(state, ty.getValue(state) + SUSPEND_CLEARANCE - low, False)
        ty.setLocked(state, True)
    ml = muscles(model)
    for i, mu in enumerate(ml):
        mu.setActivation(state, excitation(i, len(ml), 0.0))
    model.equilibrateMuscles(state)
    extra, names = muscle_columns(model)
    cextra, cnames = contact_force_columns(model)
    rows = simulate(model, state, 1.0, 0.01, accuracy, lambda s: extra(s) + cextra(s))
    cl = coords(model)
    if cnames:
        assert max(abs(x) for r in rows for x in r[-len(cnames):]) == 0.0, "feet touched the floor"
        rows = [r[:-len(cnames)] for r in rows]
    header = ["time"] + ["q_" + c.getName() for c in cl] + ["u_" + c.getName() for c in cl] + names
    if write:
        write_csv(f"{stem}_openloop_pelvislocked.csv", header, rows)
    return np.array(rows), len(cl)


def muscle_fall(stem, constant, seconds, dt, accuracy):
    """Pelvis free, feet DROP_CLEARANCE above the floor, muscles at a constant excitation (or the sines of table 8a
    when constant is None), activations at their excitation and fibers in equilibrium; simulated rows and header."""
    model, state = drop_model(stem, keep_muscles=True)
    add_excitations(model, constant=constant)
    state = model.initSystem()
    ty = model.getCoordinateSet().get("pelvis_ty")
    low = min(h for _, h in sphere_clearances(model, state))
    ty.setValue(state, ty.getValue(state) + DROP_CLEARANCE - low, False)
    ml = muscles(model)
    for i, mu in enumerate(ml):
        mu.setActivation(state, constant if constant is not None else excitation(i, len(ml), 0.0))
    model.equilibrateMuscles(state)
    extra, names = muscle_columns(model)
    cextra, cnames = contact_force_columns(model)
    rows = simulate(model, state, seconds, dt, accuracy, lambda s: extra(s) + cextra(s))
    cl = coords(model)
    header = ["time"] + ["q_" + c.getName() for c in cl] + ["u_" + c.getName() for c in cl] + names + cnames
    return rows, header, len(cl)


def tables_muscle_drop(stem, accuracy=1e-6, write=True):
    """Table 8b: muscles at excitation 0.05, 0.3 s."""
    rows, header, n = muscle_fall(stem, 0.05, 0.3, 0.005, accuracy)
    if write:
        write_csv(f"{stem}_drop_muscles_exc005.csv", header, rows)
    return np.array(rows), n


def tables_muscle_free(stem, accuracy=1e-6, write=True):
    """Table 8c: the "muscle free" set-up of scripts/bench_opensim.py (the sine excitations of table 8a), 1 s.
    Written at 1e-6 (converged) and 1e-3 (OpenSim's default)."""
    rows, header, n = muscle_fall(stem, None, 1.0, 0.01, accuracy)
    if write:
        write_csv(f"{stem}_muscle_free_acc{accuracy:.0e}.csv".replace("e-0", "e-"), header, rows)
    return np.array(rows), n


# ---------------------------------------------------------------- muscle states: forces and derivatives
N_STATE_POSES = 3  # first 3 poses of table 1 at which equilibrateMuscles succeeds
STATE_ACTIVATIONS = [0.05, 0.5, 1.0]
STATE_EXCITATION = 0.6
STATE_STRETCH = [0.0, 0.05]  # fiber length = equilibrium + stretch * optimal_fiber_length


def table_muscle_states(stem, poses):
    model = load(stem)
    for c in coords(model):
        c.setDefaultLocked(False)
    add_excitations(model, constant=STATE_EXCITATION)
    state = model.initSystem()
    ml = muscles(model)
    rows, used = [], []
    for p in range(len(poses)):
        if len(used) == N_STATE_POSES:
            break
        q, u = poses[p]
        eqs = []
        try:  # Thelen's equilibrium solver fails at some extreme random poses: use the next pose then
            for a in STATE_ACTIVATIONS:
                s = osim.State(state)
                set_pose(model, s, q, u)
                for mu in ml:
                    mu.setActivation(s, a)
                model.equilibrateMuscles(s)
                eqs.append((a, s, [mu.getFiberLength(s) for mu in ml]))
        except Exception as e:  # noqa: BLE001  (OpenSim raises a generic RuntimeError)
            print(f"  {stem}: pose {p} skipped, equilibrateMuscles failed: {str(e).strip().splitlines()[0]}")
            continue
        used.append(p)
        for a, s, eq in eqs:
            for stretch in STATE_STRETCH:
                s2 = osim.State(s)
                for mu, lm in zip(ml, eq):
                    mu.setStateVariableValue(s2, "fiber_length", lm + stretch * mu.getOptimalFiberLength())
                model.realizeAcceleration(s2)
                for mu in ml:
                    rows.append([p, mu.getName(), stretch, mu.getExcitation(s2), mu.getActivation(s2),
                                 mu.getFiberLength(s2), mu.getLength(s2), mu.getLengtheningSpeed(s2),
                                 mu.getPennationAngle(s2), mu.getTendonLength(s2), mu.getTendonForce(s2),
                                 mu.getActiveFiberForce(s2), mu.getPassiveFiberForce(s2), mu.getFiberForce(s2),
                                 mu.getActiveForceLengthMultiplier(s2), mu.getForceVelocityMultiplier(s2),
                                 mu.getPassiveForceMultiplier(s2), mu.getFiberVelocity(s2),
                                 mu.getStateVariableDerivativeValue(s2, "activation"),
                                 mu.getStateVariableDerivativeValue(s2, "fiber_length")])
    print(f"  {stem}: muscle states at poses {used}")
    write_csv(f"{stem}_muscle_states.csv",
              ["pose", "muscle", "stretch", "excitation", "activation", "fiber_length", "mt_length", "mt_speed",
               "pennation_angle", "tendon_length", "tendon_force", "active_fiber_force", "passive_fiber_force",
               "fiber_force", "active_fl_multiplier", "fv_multiplier", "passive_fl_multiplier",
               "fiber_velocity", "activation_dot", "fiber_length_dot"], rows)


# ---------------------------------------------------------------- coordinate limit force (gait0914_2d knees)
def table_limit_force():
    model = load("gait0914_2d")
    state = model.initSystem()
    f = model.getForceSet().get("knee_limit_r")
    labels = [f.getRecordLabels().get(i) for i in range(f.getRecordLabels().size())]
    k = labels.index("knee_limit_r")
    c = model.getCoordinateSet().get("knee_angle_r")
    rows = []
    for q in np.linspace(-2.5, 0.2, 28):
        for u in (-1.0, 0.0, 1.0):
            s = osim.State(state)
            c.setValue(s, float(q), False)
            c.setSpeedValue(s, u)
            model.realizeDynamics(s)
            rows.append([q, u, f.getRecordValues(s).get(k)])
    write_csv("gait0914_2d_knee_limit_force.csv", ["knee_angle_r", "knee_speed_r", "generalized_force"], rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="kin,contact,drop,paths,states,openloop,free", help="comma list of: kin,contact,drop,paths,states,openloop,free")
    args = ap.parse_args()
    os.chdir(REPO)
    os.makedirs(OUT, exist_ok=True)
    only = set(args.only.split(","))
    poses = {}
    if only & {"kin", "paths", "states"}:
        for k, stem in enumerate(STEMS):
            rng = np.random.default_rng(SEED + k)
            _, poses[stem] = tables_kinematics_dynamics(stem, rng, write="kin" in only)
    if "paths" in only:
        for stem in STEMS:
            table_muscle_properties(stem)
            tables_paths(stem, poses[stem])
    if "states" in only:
        for stem in STEMS:
            table_muscle_states(stem, poses[stem])
    if "openloop" in only:
        for stem in ["gait0914_2d", "gait1422_3d"]:
            for fn, what in [(tables_openloop, "open-loop"), (tables_muscle_drop, "muscle drop")]:
                a, n = fn(stem)
                b, _ = fn(stem, accuracy=1e-3, write=False)  # OpenSim's own error at its default-ish accuracy
                print(f"  {stem} {what}: max |q(1e-6) - q(1e-3)| = {np.abs(a[:, 1:1 + n] - b[:, 1:1 + n]).max():.2e}, "
                      f"at end {np.abs(a[-1, 1:1 + n] - b[-1, 1:1 + n]).max():.2e}")
    if "free" in only:
        for stem in ["gait0914_2d", "gait1422_3d"]:
            a, n = tables_muscle_free(stem)
            b, _ = tables_muscle_free(stem, accuracy=1e-3)
            m = load(stem)
            rot = [k for k, c in enumerate(coords(m)) if is_rotational(c)]
            rms = np.sqrt(((a[1:, 1 + np.array(rot)] - b[1:, 1 + np.array(rot)]) ** 2).mean(axis=0)) * 180 / math.pi
            ty = 1 + [c.getName() for c in coords(m)].index("pelvis_ty")
            print(f"  {stem} muscle free: OpenSim 1e-3 vs 1e-6 worst joint-angle RMS {rms.max():.3g} deg, "
                  f"worst pelvis height error {np.abs(a[:, ty] - b[:, ty]).max() * 1000:.3g} mm")
    if "contact" in only:
        tables_contact()
        table_limit_force()
    if "drop" in only:
        tables_drop()


if __name__ == "__main__":
    main()
