import Foundation
import Sim

/// A researcher's own model and motion as an imitation task (`--model FILE --reference FILE --actuation muscle|torque|joints`).
public struct CustomTaskSpec: Equatable, Sendable {
    /// Built-in model name (gait2d, gait3d) or a path to an `.osim` file or a bioimitate `.json` spec.
    public var model: String
    /// OpenSim motion (`.mot`/`.sto`), or nil for a built-in model's own walking reference.
    public var reference: String?
    public var actuation: Actuation

    /// Muscles; servos on every unlocked rotational coordinate (pelvis rotations too, as the built-in torque
    /// tasks); or servos on the joints with residual servos on the pelvis rotations under `residualCap`.
    public enum Actuation: String, CaseIterable, Sendable { case muscle, torque, joints }

    public init(model: String, reference: String?, actuation: Actuation) {
        self.model = model; self.reference = reference; self.actuation = actuation
    }

    /// What an unspecified actuation means: muscle when `model` (a name or path) has muscles, else torque.
    public static func defaultActuation(model: String) throws -> Actuation {
        try Model.load(model).muscles.isEmpty ? .torque : .muscle
    }

    /// The task's ID: model and motion file stems and the actuation, e.g. `gait2392_thelen2003muscle+subject01_walk1_ik-Torque`.
    public var id: String {
        let stem = { (path: String) in URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent }
        return "\(stem(model))+\(reference.map(stem) ?? "walking")-\(actuation.rawValue.prefix(1).uppercased() + actuation.rawValue.dropFirst())"
    }
}

extension EnvironmentRegistry {
    /// The imitation task of a custom model and motion. A model without contact geometry gets the foot contact of
    /// `withRestoredFootContact` (three spheres per foot on calcn and toes); torque actuation is a `PDServo` on every
    /// unlocked rotational coordinate (the action its target angle, built-in PD gains); a gait motion (a cycle is detected and
    /// the file covers it) becomes three repetitions of a Fourier fit of its first cycle, any other motion is one
    /// episode as recorded. Model coordinates the motion lacks are held at their defaults and not scored.
    public static func task(custom spec: CustomTaskSpec, config: EnvironmentConfig) throws -> (task: ImitationTask, notes: [String]) {
        var model = try Model.load(spec.model)
        var notes: [String] = []
        if model.contactGeometry.spheres.isEmpty {
            model = try model.withRestoredFootContact()
            notes.append("\(model.name) has no contact geometry: added three spheres per foot on calcn_r/l and toes_r/l (docs/extending.md)")
        }
        switch spec.actuation {
        case .torque: model = model.servoDriven(maxTorque: config.maxActuation, gains: ImitationTask.gains)
        case .joints:
            let cap = residualCap(model)
            model = model.servoDriven(maxTorque: config.maxActuation, residualCap: cap, gains: ImitationTask.gains)
            notes.append(String(format: "joints actuation: residual torques on the pelvis rotations capped at %.1f N·m", cap))
        case .muscle:
            guard !model.muscles.isEmpty else { throw SimError.invalid("\(spec.model) has no muscles: use --actuation torque or joints") }
            // A coordinate no muscle spans can only move passively; the policy cannot track it.
            var d = SimData(model: model)
            model.updateKinematics(&d)
            var spanned = Set<Int>()
            for m in model.muscles { for (c, r) in model.momentArms(of: m.path, &d).enumerated() where abs(r) > 1e-9 { spanned.insert(c) } }
            let base = Set(model.floatingBaseCoordinates)
            let free = model.coordinates.indices.filter { c in
                model.coordinates[c].motion == .rotational && !model.coordinates[c].locked && !spanned.contains(c) && !base.contains(c)
            }
            if !free.isEmpty {
                notes.append("no muscle spans " + free.map { model.coordinates[$0].name }.joined(separator: ", ")
                             + ": they move only passively (lock them in the model, or use --actuation torque)")
            }
        }
        let reference: ReferenceMotion
        var missing: [String] = []
        if let path = spec.reference {
            (reference, missing) = try prepared(path: path, model: model, step: config.stepSize)
        } else {
            guard Model.builtinNames.contains(spec.model) else { throw SimError.invalid("model \(spec.model) needs a reference motion (.mot/.sto) to imitate") }
            reference = try ReferenceMotion.periodic(try builtinCycle(spec.model == "gait2d" ? "walking2d" : "walking3d"), model: model, step: config.stepSize)
        }
        notes += reference.notes
        guard let torso = model.bodyIndex("torso") else { throw SimError.invalid("\(model.name): an imitation model needs bodies 'pelvis' and 'torso'") }
        // Fallen: the torso origin below 70 % of its lowest height in the reference (the built-in walking tasks'
        // fixed 0.75 m is about 72 % of theirs), so the rule scales with the subject.
        let lowest = reference.trackedBodies.firstIndex(of: torso).map { k in
            (0..<reference.frameCount).map { reference.bodyPositions[$0 * reference.trackedBodies.count + k].y }.min()!
        } ?? 1
        let task = ImitationTask(id: spec.id, model: model, reference: reference, pdGains: [], minimumTorsoHeight: 0.7 * lowest,
                                 summary: "\(model.name)\(spec.actuation == .muscle ? "" : ", servo-driven") imitating \(spec.reference ?? reference.name)",
                                 untracked: Set(missing.compactMap { model.coordinateIndex($0) }))
        return (task, notes)
    }

    /// The residual cap of joint-only actuation: 1 % of the centre-of-mass height times the peak ground force,
    /// taken as 1.2 body weights (walking), at the model's default pose: the residual-moment threshold of Hicks,
    /// Uchida, Seth, Rajagopal & Delp, "Is my model good enough?", J Biomech Eng 137 (2015) 020905. About 9 N·m
    /// for a 75 kg adult.
    static func residualCap(_ model: Model) -> Double {
        var d = SimData(model: model)
        model.updateKinematics(&d)
        var standing = d
        model.liftFeet(&standing, clearance: 0)
        let height = model.centerOfMass(standing).position.y
        return 0.01 * max(height, 0.5) * 1.2 * model.totalMass * norm(model.gravity)
    }

    /// A motion file prepared for imitation on `model`: a detected gait cycle repeated three times (Fourier fit), else
    /// the whole recording. Returns the reference and the model coordinates the file has no column for.
    static func prepared(path: String, model: Model, step: Double) throws -> (ReferenceMotion, missing: [String]) {
        let table = try MotionTable.read(path: path)
        guard table.time.count >= 2 else { throw SimError.invalid("\(path): \(table.time.count) sample(s); a motion needs at least two") }
        let mapped = try FourierCycle.mappedForFit(table, model: model, source: path)
        let duration = Double(mapped.samples.count - 1) * mapped.step
        if let period = GaitCycle.detect(mapped, model: model), duration >= 0.95 * period {
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let (cycle, _, notes) = try FourierCycle.fit(mapped: mapped, period: period, path: path, model: model, name: name, source: path)
            let periodic = try ReferenceMotion.periodic(cycle, model: model, step: step)
            let detected = String(format: "gait cycle of %.3f s detected: the reference is 3 repetitions of a Fourier fit of its first cycle", period)
            return (periodic.noting(notes + [detected]), mapped.missing)
        }
        return (try ReferenceMotion.recording(path: path, model: model, step: step, allowMissing: true), mapped.missing)
    }
}
