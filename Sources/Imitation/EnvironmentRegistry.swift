import Foundation
import Sim

/// Builds the seventeen imitation environments (docs/environments.md) from the built-in models and references, or any ID
/// with another reference motion (`--reference FILE.mot`).
public enum EnvironmentRegistry {
    /// The built-in reference (Fourier cycle file) a spec uses; nil for the synthetic ones.
    static func builtinReferenceName(_ spec: EnvironmentSpec) -> String? {
        let dim = spec.dimension == .planar ? "2d" : "3d"
        switch spec.task {
        case .walking, .lockedKnee: return "walking\(dim)"
        case .running: return "running\(dim)"
        case .jumping, .palsy: return nil
        }
    }

    /// What `bioimitate envs` shows as the reference of a spec.
    public static func referenceDescription(_ spec: EnvironmentSpec) -> String {
        switch spec.task {
        case .jumping: return "synthetic countermovement jump"
        case .palsy: return "synthetic crouch gait (from walking3d)"
        case .lockedKnee: return "walking\(spec.dimension == .planar ? "2d" : "3d") (left knee and ankle held)"
        default: return builtinReferenceName(spec)!
        }
    }

    public static func modelDescription(_ spec: EnvironmentSpec) -> String {
        var name = spec.dimension == .planar ? "gait2d" : "gait3d"
        if spec.task == .lockedKnee { name += ", left knee and ankle locked" }
        if spec.task == .palsy { name += ", palsy impairment" }
        return name + (spec.actuation == .torque ? ", torque-driven" : "")
    }

    public static func builtinCycle(_ name: String) throws -> FourierCycle {
        guard let data = BuiltinResources.reference(name) else {
            throw SimError.invalid("unknown built-in reference '\(name)'")
        }
        return try JSONDecoder().decode(FourierCycle.self, from: data)
    }

    /// The model of a spec: built-in gait model, task variant, then actuation.
    public static func model(for spec: EnvironmentSpec) throws -> Model {
        var model = try Model.builtin(spec.dimension == .planar ? "gait2d" : "gait3d")
        switch spec.task {
        case .lockedKnee: model = try model.lockedLeftKnee()
        case .palsy: model = try palsyModel(model)
        default: break
        }
        return spec.actuation == .torque ? model.torqueDriven() : model
    }

    /// The task of an environment ID, with the built-in reference or the motion file `referencePath`.
    public static func task(id: String, config: EnvironmentConfig, referencePath: String? = nil) throws -> ImitationTask {
        guard let spec = EnvironmentSpec.named(id) else {
            throw SimError.invalid("unknown environment '\(id)' (run `bioimitate envs` for the list)")
        }
        let model = try self.model(for: spec)
        let reference: ReferenceMotion
        if let referencePath {
            reference = try ReferenceMotion.recording(path: referencePath, model: model, step: config.stepSize)
        } else if let name = builtinReferenceName(spec) {
            reference = try ReferenceMotion.periodic(try builtinCycle(name), model: model, step: config.stepSize)
        } else {
            reference = try syntheticReference(spec, model: model, step: config.stepSize)
        }
        let gains = model.forces.compactMap { $0 as? CoordinateActuator }.map { ImitationTask.gains(for: model.coordinates[$0.coordinate].name) }
        return ImitationTask(id: id, model: model, reference: reference, pdGains: gains,
                             minimumTorsoHeight: spec.task == .jumping ? 0.3 : 0.75,
                             summary: "\(modelDescription(spec)) imitating \(referencePath ?? referenceDescription(spec))")
    }

    public static func make(id: String, config: EnvironmentConfig = EnvironmentConfig(), referencePath: String? = nil) throws -> ImitationEnvironment {
        try ImitationEnvironment(task: try task(id: id, config: config, referencePath: referencePath), config: config)
    }
}
