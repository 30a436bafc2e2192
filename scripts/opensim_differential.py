#!/usr/bin/env python3
"""Random cases on every shared model, answered by OpenSim 4.6: the differential tables the Swift tests read.

Needs: pip install opensim==4.6 numpy
Run from anywhere:   python3 scripts/opensim_differential.py [--cases 5] [--only SUBSTRING] [--no-swing]
Models are read from ../shared/data/models (relative to the repository root; never copied). Each model gets CASES
random cases (numpy.random.default_rng(SEED + case), so reruns give identical tables), written to
Tests/SimTests/Differential/<model path with / as __>_*.csv:

  _cases.csv    per case, every coordinate's value and speed (CoordinateSet order) and every muscle's activation:
                values uniform within each coordinate's range (a rotation capped to +-180 deg, a translation whose
                range is wider than 1 m to +-0.1 m about its default), speeds uniform in +-1; locked coordinates
                at their default with speed 0; a CoordinateCouplerConstraint's dependent coordinate and speed from
                its function of the independent one (OpenSim's assembly); activations uniform in [0.02, 0.6].
  _bodies.csv   per case and body: origin in ground.
  _arms.csv     per case, muscle and coordinate: path length and OpenSim's computeMomentArm where nonzero.
  _dynamics.csv per case: each muscle's tendon force and every coordinate's acceleration, after
                equilibrateMuscles (each simulator solves its own fiber equilibrium from the same activations).
  _swing.csv    per case: 1 s forward simulation at accuracy 1e-6 (OpenSim's Runge-Kutta-Merson), from the model's
                default pose and default activations with fibers in equilibrium, under smooth random excitations
                (per muscle 0.3 + 0.2 sin(2 pi f t + phase), f uniform in [0.5, 2] Hz, phase uniform; the file's own
                controllers off, as bioimitate ignores them): a floating
                base (a joint of three or more coordinates, one of them translational) is locked 1 m higher than its
                default, so the body swings in the air (where a constraint forbids that, nothing is locked:
                column base_locked); ground-fixed models as they are. Coordinates every 0.05 s,
                at accuracy 1e-6 (the answer) and at OpenSim's default 1e-3 (what OpenSim's own default costs).
                Models whose muscles wrap over surfaces get no swing table unless --wrapped (OpenSim takes many
                minutes on them, and bioimitate does not load them yet).
"""
import argparse
import glob
import math
import os
import subprocess
import sys

import numpy as np
import opensim as osim

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.path.join(os.path.dirname(REPO), "shared", "data", "models")
OUT = os.path.join(REPO, "Tests", "SimTests", "Differential")
SEED = 20261207
SWING_SECONDS, SWING_EVERY = 1.0, 0.05

osim.Logger.removeFileSink()
osim.Logger.setLevelString("off")


def fmt(x):
    return x if isinstance(x, str) else format(float(x) + 0.0, ".17g")


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(fmt(x) for x in r) + "\n")


def coordinates(model):
    cs = model.getCoordinateSet()
    return [cs.get(i) for i in range(cs.getSize())]


def muscles(model):
    ms = model.getMuscles()
    return [ms.get(i) for i in range(ms.getSize())]


def couplers(model):
    out = []
    cs = model.getConstraintSet()
    for i in range(cs.getSize()):
        c = osim.CoordinateCouplerConstraint.safeDownCast(cs.get(i))
        if c is not None and c.get_isEnforced():
            names = c.getIndependentCoordinateNames()
            out.append((c.getDependentCoordinateName(), names.get(0), c.getFunction(),
                        osim.PropertyHelper.getValueDouble(c.getPropertyByName("scale_factor"))))
    return out


def random_case(model, state, rng):
    cl = coordinates(model)
    q = np.array([c.getDefaultValue() for c in cl])
    u = np.zeros(len(cl))
    for i, c in enumerate(cl):
        if c.getDefaultLocked():
            continue
        lo, hi = c.getRangeMin(), c.getRangeMax()
        if c.getMotionType() == 1:
            lo, hi = max(lo, -math.pi), min(hi, math.pi)
        elif hi - lo > 1.0:
            d = c.getDefaultValue()
            lo, hi = max(lo, d - 0.1), min(hi, d + 0.1)
        q[i] = rng.uniform(lo, hi)
        u[i] = rng.uniform(-1.0, 1.0)
    names = [c.getName() for c in cl]
    for dep, ind, f, scale in couplers(model):
        i, d = names.index(ind), names.index(dep)
        x = osim.Vector(1, float(q[i]))
        q[d] = scale * f.calcValue(x)
        deriv = osim.StdVectorInt()
        deriv.append(0)
        u[d] = scale * f.calcDerivative(deriv, x) * u[i]
    for c, qi, ui in zip(cl, q, u):
        if not c.getDefaultLocked():
            c.setValue(state, float(qi), False)
            c.setSpeedValue(state, float(ui))
    activations = rng.uniform(0.02, 0.6, len(muscles(model)))
    return q, u, activations


def cases_tables(rel, cases):
    model = osim.Model(os.path.join(MODELS, rel))
    state0 = model.initSystem()
    cl, ml = coordinates(model), muscles(model)
    bs = model.getBodySet()
    rows_case, rows_body, rows_arm, rows_dyn = [], [], [], []
    for k in range(cases):
        rng = np.random.default_rng(SEED + k)
        state = osim.State(state0)
        q, u, a = random_case(model, state, rng)
        model.realizePosition(state)
        # What OpenSim actually holds (a locked coordinate refuses setValue).
        q = [c.getValue(state) for c in cl]
        u = [c.getSpeedValue(state) for c in cl]
        rows_case.append([k] + list(q) + list(u) + list(a))
        for b in range(bs.getSize()):
            p = bs.get(b).getPositionInGround(state)
            rows_body.append([k, bs.get(b).getName(), p[0], p[1], p[2]])
        model.realizeVelocity(state)
        for mu in ml:
            length = mu.getLength(state)
            for c in cl:
                if c.getDefaultLocked():
                    continue
                r = mu.computeMomentArm(state, c)
                if abs(r) > 1e-12:
                    rows_arm.append([k, mu.getName(), c.getName(), length, r])
        for mu, ak in zip(ml, a):
            mu.setActivation(state, float(ak))
        try:
            model.equilibrateMuscles(state)
        except RuntimeError as e:
            print(f"  {rel} case {k}: equilibrateMuscles failed ({str(e).strip().splitlines()[0][:80]}); no dynamics row")
            continue
        # Excitation equal to activation, so activation dynamics are at rest as on our side.
        controls = model.getControls(state)
        for i in range(controls.size()):
            controls.set(i, 0.0)
        for mu, ak in zip(ml, a):
            mu.setControls(osim.Vector(1, float(ak)), controls)
        model.setControls(state, controls)
        model.realizeAcceleration(state)
        rows_dyn.append([k] + [mu.getTendonForce(state) for mu in ml] + [c.getAccelerationValue(state) for c in cl])
    stem = rel.replace("/", "__")[:-5]
    names = [c.getName() for c in cl]
    write(f"{stem}_cases.csv", ["case"] + [f"q_{n}" for n in names] + [f"u_{n}" for n in names] + [f"a_{m.getName()}" for m in ml], rows_case)
    write(f"{stem}_bodies.csv", ["case", "body", "x", "y", "z"], rows_body)
    write(f"{stem}_arms.csv", ["case", "muscle", "coordinate", "length", "moment_arm"], rows_arm)
    write(f"{stem}_dynamics.csv", ["case"] + [f"tendon_{m.getName()}" for m in ml] + [f"udot_{n}" for n in names], rows_dyn)
    return len(rows_case), len(rows_arm), len(rows_dyn)


def floating_base(model):
    """Coordinates of the joints that hang a body on ground (or on a body welded to ground) by three or more
    coordinates, one of them translational."""
    js = [model.getJointSet().get(i) for i in range(model.getJointSet().getSize())]
    fixed = {"ground"}
    for _ in js:  # bodies welded to ground, through chains of joints without coordinates
        for j in js:
            if j.numCoordinates() == 0 and j.getParentFrame().findBaseFrame().getName() in fixed:
                fixed.add(j.getChildFrame().findBaseFrame().getName())
    out = []
    for j in js:
        cs = [j.get_coordinates(k) for k in range(j.numCoordinates())]
        if j.getParentFrame().findBaseFrame().getName() in fixed and len(cs) >= 3 and any(c.getMotionType() == 2 for c in cs):
            out += [c.getName() for c in cs]
    return out


def swing_table(rel, cases, lock=True):
    rows = []
    for k, accuracy in [(k, a) for k in range(cases) for a in (1e-6, 1e-3)]:
        rng = np.random.default_rng(SEED + 1000 + k)
        model = osim.Model(os.path.join(MODELS, rel))
        base = floating_base(model) if lock else []
        cs = model.getCoordinateSet()
        for name in base:
            c = cs.get(name)
            if name.endswith("ty"):
                c.setDefaultValue(c.getDefaultValue() + 1.0)
                c.setRangeMax(max(c.getRangeMax(), c.getDefaultValue()))
            c.setDefaultLocked(True)
        # The file's own controllers are switched off: bioimitate ignores them and drives the muscles itself.
        for i in range(model.getControllerSet().getSize()):
            model.getControllerSet().get(i).setEnabled(False)
        ml = muscles(model)
        ctrl = osim.PrescribedController()
        ctrl.setName("swing")
        frequencies = rng.uniform(0.5, 2.0, len(ml))
        phases = rng.uniform(0.0, 2 * math.pi, len(ml))
        for mu, f, ph in zip(ml, frequencies, phases):
            ctrl.addActuator(mu)
            ctrl.prescribeControlForActuator(mu.getName(), osim.Sine(0.2, 2 * math.pi * f, ph, 0.3))
        if ml:
            model.addController(ctrl)
        state = model.initSystem()
        model.equilibrateMuscles(state)
        manager = osim.Manager(model)
        manager.setIntegratorAccuracy(accuracy)
        state.setTime(0.0)
        manager.initialize(state)
        cl = coordinates(model)
        steps = int(round(SWING_SECONDS / SWING_EVERY))
        rows.append([k, accuracy, int(lock), 0.0] + [c.getValue(state) for c in cl] + list(frequencies) + list(phases))
        for i in range(1, steps + 1):
            state = manager.integrate(i * SWING_EVERY)
            rows.append([k, accuracy, int(lock), i * SWING_EVERY] + [c.getValue(state) for c in cl] + [""] * (2 * len(ml)))
    stem = rel.replace("/", "__")[:-5]
    header = ["case", "accuracy", "base_locked", "time"] + [f"q_{c.getName()}" for c in cl] + [f"f_{m.getName()}" for m in ml] + [f"phase_{m.getName()}" for m in ml]
    write(f"{stem}_swing.csv", header, rows)
    return base


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=5)
    parser.add_argument("--only", default="")
    parser.add_argument("--after", default="", help="resume: only models whose path sorts after this one")
    parser.add_argument("--no-swing", action="store_true")
    parser.add_argument("--wrapped", action="store_true", help="swing tables for models with wrapping too")
    parser.add_argument("--model", default="", help="this one model (path under the models folder), in this process")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    if not args.model:
        # One process per model: loading a model with a <defaults> block changes OpenSim's default objects for the
        # rest of the process (Tug_of_War's muscles then took Hamner's defaults), so models must not share one.
        for path in sorted(glob.glob(os.path.join(MODELS, "**", "*.osim"), recursive=True)):
            rel = os.path.relpath(path, MODELS)
            if args.only in rel and not (args.after and rel <= args.after):
                flags = ["--cases", str(args.cases)] + (["--no-swing"] if args.no_swing else []) + (["--wrapped"] if args.wrapped else [])
                subprocess.run([sys.executable, os.path.abspath(__file__), "--model", rel] + flags, check=True)
        return
    for path in [os.path.join(MODELS, args.model)]:
        rel = args.model
        n = cases_tables(rel, args.cases)
        print(f"{rel}: {n[0]} cases, {n[1]} moment arms, {n[2]} dynamics rows", flush=True)
        wrapped = "<PathWrap " in open(path, errors="replace").read()
        if not args.no_swing and (args.wrapped or not wrapped):
            try:
                base = swing_table(rel, args.cases)
                print(f"  swing: {args.cases} cases, base locked: {base}", flush=True)
            except RuntimeError as e:  # a locked base that a constraint cannot assemble with: swing as it is
                print(f"  swing with the base locked failed ({str(e).strip().splitlines()[-2][:80]}); swinging free", flush=True)
                try:
                    swing_table(rel, args.cases, lock=False)
                    print(f"  swing: {args.cases} cases, nothing locked", flush=True)
                except RuntimeError as e:
                    print(f"  swing: none ({str(e).strip().splitlines()[-2][:100]})", flush=True)


if __name__ == "__main__":
    main()
