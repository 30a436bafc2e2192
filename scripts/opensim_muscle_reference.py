#!/usr/bin/env python3
"""Reference muscle figures from OpenSim 4.6 for the Swift muscle tests.

Needs: pip install opensim==4.6 numpy
Run from the repository root:  python3 scripts/opensim_muscle_reference.py
Writes Tests/SimTests/MuscleReference/*.csv (see the README there).

Each muscle of the shared models is copied (same class and properties) into a tiny model: the
muscle runs from the ground origin to a body on a slider along x, so the slider coordinate is the
MTU length and its speed the MTU lengthening speed. Every state is set directly (activation, fiber
length or DeGroote's normalized tendon force, coordinate value and speed, excitation) and the
muscle's outputs and state derivatives are recorded.
"""
import os
import sys
import numpy as np
import opensim as osim

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data", "models")
OUT = os.path.join(ROOT, "Tests", "SimTests", "MuscleReference")
MODELS = ["gait0914_2d.osim", "gait1422_3d.osim", "gait10dof18musc.osim"]
EXCITATION = 0.3
ACTIVATIONS = [0.05, 0.5, 1.0]
FIBER_FACTORS = [0.8, 1.0, 1.15]

osim.Logger.setLevelString("error")


def downcast(m):
    for cls in (osim.Millard2012EquilibriumMuscle, osim.Thelen2003Muscle, osim.DeGrooteFregly2016Muscle):
        d = cls.safeDownCast(m)
        if d is not None:
            return d
    raise RuntimeError("unsupported muscle class " + m.getConcreteClassName())


def slow_twitch_for(name):
    """A deterministic spread of slow-twitch ratios so the energetics comparison covers several."""
    return 0.3 + 0.2 * (sum(map(ord, name)) % 3)


def slider_model(muscle):
    """Tiny model: ground -> slider (x) -> body; the muscle spans the ground and body origins."""
    model = osim.Model()
    model.setGravity(osim.Vec3(0))
    body = osim.Body("b", 1.0, osim.Vec3(0), osim.Inertia(1, 1, 1))
    model.addBody(body)
    joint = osim.SliderJoint("slider", model.getGround(), osim.Vec3(0), osim.Vec3(0),
                             body, osim.Vec3(0), osim.Vec3(0))
    joint.updCoordinate().setName("lmt")
    joint.updCoordinate().setRangeMin(-10)
    joint.updCoordinate().setRangeMax(10)
    model.addJoint(joint)
    m = downcast(muscle).clone()
    pps = m.updGeometryPath().updPathPointSet()
    pps.clearAndDestroy()
    m.updGeometryPath().updWrapSet().clearAndDestroy()
    m.addNewPathPoint("origin", model.getGround(), osim.Vec3(0))
    m.addNewPathPoint("insertion", body, osim.Vec3(0))
    model.addForce(m)
    # Umberger (2010) probes, basal rate off, OpenSim defaults otherwise; with and without
    # the Bhargava recruitment model (OpenSim's default is on).
    for name, bhargava in (("umberger_bhargava", True), ("umberger_plain", False)):
        probe = osim.Umberger2010MuscleMetabolicsProbe(True, True, False, True)
        probe.setName(name)
        probe.set_use_Bhargava_recruitment_model(bhargava)
        model.addProbe(probe)
        probe.addMuscle(m.getName(), slow_twitch_for(m.getName()))
    state = model.initSystem()
    return model, state, downcast(model.updForceSet().get(m.getName())), model.getCoordinateSet().get("lmt")


def set_controls(model, state, e):
    model.realizeVelocity(state)
    model.setControls(state, osim.Vector(1, e))


def evaluate(model, state, m, coord, a, lmt, v, e, fiber_length=None, norm_tendon_force=None):
    coord.setValue(state, lmt, False)
    coord.setSpeedValue(state, v)
    m.setActivation(state, a)
    if fiber_length is not None:
        m.setFiberLength(state, fiber_length)
    if norm_tendon_force is not None:
        m.setNormalizedTendonForce(state, norm_tendon_force)
    set_controls(model, state, e)
    model.computeStateVariableDerivatives(state)
    sv = m.getStateVariableNames()
    names = [sv.get(i) for i in range(sv.getSize())]
    def deriv(suffix):
        for n in names:
            if n.endswith(suffix):
                return m.getStateVariableDerivativeValue(state, n.split("/")[-1])
        return 0.0
    probes = model.getProbeSet()
    return dict(
        slow_twitch=slow_twitch_for(m.getName()),
        metabolic_bhargava=probes.get("umberger_bhargava").getProbeOutputs(state).get(0),
        metabolic_plain=probes.get("umberger_plain").getProbeOutputs(state).get(0),
        fiber_length=m.getFiberLength(state), tendon_force=m.getTendonForce(state),
        fiber_force=m.getFiberForce(state), active_fiber_force=m.getActiveFiberForce(state),
        passive_fiber_force=m.getPassiveFiberForce(state),
        norm_fiber_length=m.getNormalizedFiberLength(state),
        norm_fiber_velocity=m.getNormalizedFiberVelocity(state), fiber_velocity=m.getFiberVelocity(state),
        pennation=m.getPennationAngle(state), tendon_length=m.getTendonLength(state),
        dadt=deriv("activation"), dlcedt=deriv("fiber_length"))


COLS = ["model", "muscle", "class", "rigid", "activation", "excitation", "mtu_length", "mtu_speed",
        "fiber_length", "tendon_force", "fiber_force", "active_fiber_force", "passive_fiber_force",
        "norm_fiber_length", "norm_fiber_velocity", "fiber_velocity", "pennation", "tendon_length",
        "dadt", "dlcedt", "slow_twitch", "metabolic_bhargava", "metabolic_plain"]


def fmt(x):
    return x if isinstance(x, str) else "%.12g" % x


def state_rows(tag, muscle, rigid):
    rows = []
    mcopy = downcast(muscle).clone()
    cls = mcopy.getConcreteClassName()
    if rigid:
        mcopy.set_ignore_tendon_compliance(True)
    model, state, m, coord = slider_model(mcopy)
    lopt, lts = m.getOptimalFiberLength(), m.getTendonSlackLength()
    alpha = m.getPennationAngleAtOptimalFiberLength()
    vscale = lopt * m.getMaxContractionVelocity()
    for a in ACTIVATIONS:
        for f in FIBER_FACTORS:
            lce = f * lopt
            h = lopt * np.sin(alpha)
            along = np.sqrt(max(lce * lce - h * h, 1e-12))
            for strain in ([0.0] if rigid else [0.005, 0.03]):
                lmt = lts * (1 + strain) + along
                # With a compliant tendon the fiber velocity follows from the forces, not the MTU speed.
                for v in ([0.0, -0.3 * vscale, 0.2 * vscale] if rigid else [0.0]):
                    kw = {}
                    if not rigid:
                        if cls == "DeGrooteFregly2016Muscle":
                            # State is the normalized tendon force: pick the one of this tendon strain.
                            kw["norm_tendon_force"] = max(m.calcTendonForceMultiplier(1 + strain), 0.0)
                        else:
                            kw["fiber_length"] = lce
                    r = evaluate(model, state, m, coord, a, lmt, v, EXCITATION, **kw)
                    rows.append([tag, m.getName(), cls, int(rigid), a, EXCITATION, lmt, v] +
                                [r[c] for c in COLS[8:]])
    return rows


def equilibrium_rows(tag, muscle):
    rows = []
    model, state, m, coord = slider_model(downcast(muscle).clone())
    lopt, lts = m.getOptimalFiberLength(), m.getTendonSlackLength()
    alpha = m.getPennationAngleAtOptimalFiberLength()
    vscale = lopt * m.getMaxContractionVelocity()
    for a in ACTIVATIONS:
        for f in [0.9, 1.0, 1.1]:
            for v in [0.0, -0.2 * vscale, 0.1 * vscale]:
                lmt = lts * 1.02 + f * lopt * np.cos(alpha)
                coord.setValue(state, lmt, False)
                coord.setSpeedValue(state, v)
                m.setActivation(state, a)
                set_controls(model, state, a)
                try:
                    model.equilibrateMuscles(state)
                except RuntimeError as err:  # OpenSim's solver can fail; leave such states out
                    print("skipped equilibrium", tag, m.getName(), a, lmt, v, str(err).splitlines()[0][:80])
                    continue
                model.realizeDynamics(state)
                rows.append([tag, m.getName(), m.getConcreteClassName(), a, lmt, v, 0, m.getFiberLength(state),
                             m.getTendonForce(state)])
                if v != 0 and m.getConcreteClassName() == "Millard2012EquilibriumMuscle":
                    # Millard's velocity-aware solve (not what equilibrateMuscles uses).
                    m.computeFiberEquilibrium(state, True)
                    model.realizeDynamics(state)
                    rows.append([tag, m.getName(), m.getConcreteClassName(), a, lmt, v, 1,
                                 m.getFiberLength(state), m.getTendonForce(state)])
    return rows


def degroote_from(m):
    d = osim.DeGrooteFregly2016Muscle()
    d.setName(m.getName())
    d.set_max_isometric_force(m.getMaxIsometricForce())
    d.set_optimal_fiber_length(m.getOptimalFiberLength())
    d.set_tendon_slack_length(m.getTendonSlackLength())
    d.set_pennation_angle_at_optimal(m.getPennationAngleAtOptimalFiberLength())
    d.set_max_contraction_velocity(m.getMaxContractionVelocity())
    return d


def curve_rows(tag, m):
    rows = []
    fal, fv = m.getActiveForceLengthCurve(), m.getForceVelocityCurve()
    fpe, fse = m.getFiberForceLengthCurve(), m.getTendonForceLengthCurve()
    for x in np.linspace(0.3, 2.0, 35):
        rows.append([tag, m.getName(), "active_force_length", x, fal.calcValue(x), fal.calcDerivative(x, 1)])
    for x in np.linspace(-1.2, 1.2, 49):
        rows.append([tag, m.getName(), "force_velocity", x, fv.calcValue(x), fv.calcDerivative(x, 1)])
    for x in np.linspace(0.9, 1.9, 41):
        rows.append([tag, m.getName(), "fiber_force_length", x, fpe.calcValue(x), fpe.calcDerivative(x, 1)])
    for x in np.linspace(0.99, 1.08, 37):
        rows.append([tag, m.getName(), "tendon_force_length", x, fse.calcValue(x), fse.calcDerivative(x, 1)])
    return rows


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(fmt(x) for x in r) + "\n")
    print("wrote", name, len(rows), "rows")


def main():
    os.makedirs(OUT, exist_ok=True)
    states, equil, curves = [], [], []
    for fname in MODELS:
        model = osim.Model(os.path.join(DATA, fname))
        model.finalizeFromProperties()
        tag = fname.replace(".osim", "")
        muscles = model.getMuscles()
        for i in range(muscles.getSize()):
            mus = downcast(muscles.get(i))
            states += state_rows(tag, mus, rigid=False)
            equil += equilibrium_rows(tag, mus)
            if mus.getConcreteClassName() == "Millard2012EquilibriumMuscle":
                states += state_rows(tag, mus, rigid=True)
                if i == 0:
                    curves += curve_rows(tag, mus)
            if fname == "gait10dof18musc.osim":
                # Undamped Millard (fiber_damping 0): the inverse force-velocity branch.
                und = downcast(mus).clone()
                und.set_fiber_damping(0.0)
                states += state_rows(tag + "+undamped", und, rigid=False)
                # DeGroote muscles with the same basic parameters (no shared model has them).
                states += state_rows(tag + "+degroote", degroote_from(mus), rigid=False)
                states += state_rows(tag + "+degroote", degroote_from(mus), rigid=True)
    write("muscle_states.csv", COLS, states)
    write("muscle_equilibrium.csv", ["model", "muscle", "class", "activation", "mtu_length",
                                     "mtu_speed", "solve_velocity", "fiber_length", "tendon_force"], equil)
    write("millard_curves.csv", ["model", "muscle", "curve", "x", "value", "slope"], curves)


if __name__ == "__main__":
    sys.exit(main())
