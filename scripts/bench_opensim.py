#!/usr/bin/env python3
"""Time OpenSim 4.6 forward simulation in steps of 0.01 s (the environment step), for comparison with the
Swift simulator. Needs: pip install opensim==4.6 numpy.  Run: python3 scripts/bench_opensim.py [--seconds 1]

Cases (model set-ups identical to the reference tables, see Tests/SimTests/Reference/README.md):
  passive drop      muscles removed, contact kept, feet 4 cm above the floor (table 5 set-up)
  muscle free       all muscles, pelvis free, same initial pose, excitations of table 8 (sine, 0.3 +- 0.2, 1.5 Hz)
  muscle locked     all muscles, pelvis locked and lifted, same excitations (table 8a set-up)
Each case: a Manager at the given accuracy (default 1e-3, default RungeKuttaMerson integrator), initialize, then
integrate(k * 0.01) for k = 1..N; wall time of the integrate loop only (model building excluded).
Prints steps/s = N / wall, median of 3 runs.

With --against BINARY (a bioimitate executable) each round times OpenSim and then `BINARY bench` on the same case,
so the two are timed moments apart on a machine whose speed drifts. Within a round both sides run the same number
of times (--best-of, 3) and are summarized by the same statistics: the fastest run (a shared machine's interference
only ever slows a run, so the fastest is the least disturbed) and the median run. It prints, over the rounds, the
median of each side's fastest runs and the median of the per-round ratios, for both statistics.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opensim as osim  # noqa: E402
import opensim_reference as ref  # noqa: E402  (also silences the OpenSim log)


def setup(stem, case):
    if case == "passive drop":
        return ref.drop_model(stem)
    if case == "muscle free":
        model, _ = ref.drop_model(stem, keep_muscles=True)
        ref.add_excitations(model)
        state = model.initSystem()
        ty = model.getCoordinateSet().get("pelvis_ty")
        low = min(h for _, h in ref.sphere_clearances(model, state))
        ty.setValue(state, ty.getValue(state) + ref.DROP_CLEARANCE - low, False)
    else:  # muscle locked
        model = ref.load(stem)
        for c in ref.coords(model):
            if c.getName().startswith("pelvis_"):
                c.setDefaultLocked(True)
        ref.add_excitations(model)
        state = model.initSystem()
        if model.getContactGeometrySet().getSize() > 0:
            ty = model.getCoordinateSet().get("pelvis_ty")
            ty.setLocked(state, False)
            low = min(h for _, h in ref.sphere_clearances(model, state))
            ty.setValue(state, ty.getValue(state) + ref.SUSPEND_CLEARANCE - low, False)
            ty.setLocked(state, True)
    ml = ref.muscles(model)
    for i, mu in enumerate(ml):
        mu.setActivation(state, ref.excitation(i, len(ml), 0.0))
    model.equilibrateMuscles(state)
    return model, state


def run_once(stem, case, seconds, accuracy):
    model, state = setup(stem, case)
    manager = osim.Manager(model)
    manager.setIntegratorAccuracy(accuracy)
    state.setTime(0.0)
    manager.initialize(state)
    n = int(round(seconds / 0.01))
    t0 = time.perf_counter()
    for k in range(1, n + 1):
        manager.integrate(k * 0.01)
    wall = time.perf_counter() - t0
    return n / wall


def run_ours(binary, stem, case, seconds, accuracy, integrator, runs):
    """`bioimitate bench` on the same case: the steps/s of each of `runs` runs (its own timing of the loop alone)."""
    out = subprocess.run([binary, "bench", "--cases", case, "--stems", stem, "--runs", str(runs), "--seconds", str(seconds),
                          "--accuracy", str(accuracy), "--integrator", integrator],
                         capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith(stem))
    return [float(r) for r in line.split("(runs: ")[1].split(";")[0].split(", ")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=1.0, help="simulated seconds per run")
    ap.add_argument("--accuracy", type=float, default=1e-3)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cases", default="passive drop,muscle free,muscle locked", help="comma-separated subset of the cases")
    ap.add_argument("--stems", default="gait0914_2d,gait1422_3d", help="comma-separated model stems")
    ap.add_argument("--against", metavar="BINARY", help="a bioimitate executable to time round by round beside OpenSim")
    ap.add_argument("--integrator", default="stiff", help="bioimitate's integrator (with --against)")
    ap.add_argument("--best-of", type=int, default=3, help="runs per round for each side (with --against)")
    args = ap.parse_args()
    os.chdir(ref.REPO)
    print(f"OpenSim {osim.__version__}, accuracy {args.accuracy:g}, {args.seconds:g} s simulated per run, "
          f"0.01 s steps, median of {args.runs}" + (f" rounds alternating with {args.against} ({args.integrator}), "
                                                    f"{args.best_of} runs of each side per round" if args.against else ""))
    for case in [c.strip() for c in args.cases.split(",")]:
        for stem in args.stems.split(","):
            if not args.against:
                rates = [run_once(stem, case, args.seconds, args.accuracy) for _ in range(args.runs)]
                print(f"{stem:12s} {case:14s} {statistics.median(rates):9.1f} steps/s  "
                      f"(runs: {', '.join(f'{r:.1f}' for r in rates)})")
                continue
            fastest, median = [], []  # per round: (OpenSim, bioimitate)
            for _ in range(args.runs):
                theirs = [run_once(stem, case, args.seconds, args.accuracy) for _ in range(args.best_of)]
                ours = run_ours(args.against, stem, case, args.seconds, args.accuracy, args.integrator, args.best_of)
                assert len(ours) == len(theirs)
                fastest.append((max(theirs), max(ours)))
                median.append((statistics.median(theirs), statistics.median(ours)))
            for name, rounds in (("fastest", fastest), ("median", median)):
                ratios = [o / t for t, o in rounds]
                print(f"{stem:12s} {case:14s} {name:7s} run: OpenSim {statistics.median(t for t, _ in rounds):7.1f} steps/s, "
                      f"bioimitate {statistics.median(o for _, o in rounds):8.1f} steps/s, ratio {statistics.median(ratios):6.1f}x  "
                      f"(per round: {', '.join(f'{r:.1f}' for r in ratios)})")

if __name__ == "__main__":
    main()
