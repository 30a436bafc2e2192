import Sim

extension EnvironmentRegistry {
    /// Jumping: the synthetic countermovement jump, tiled exactly. Palsy: the synthetic crouch gait made from the
    /// built-in 3D walking cycle, refitted as a Fourier cycle so it tiles. Both are documented in SyntheticMotion.
    static func syntheticReference(_ spec: EnvironmentSpec, model: Model, step: Double) throws -> ReferenceMotion {
        switch spec.task {
        case .jumping:
            let table = try SyntheticMotion.jumping(model: model, step: step)
            return try ReferenceMotion.periodic(table: table, name: "jump\(spec.dimension == .planar ? "2d" : "3d")",
                                                source: "synthetic countermovement jump (bioimitate, SyntheticMotion.jumping)",
                                                model: model, step: step)
        case .palsy:
            let crouch = try crouchCycle(model: model)
            return try ReferenceMotion.periodic(crouch, model: model, step: step)
        default:
            throw SimError.invalid("\(spec.id) has a recorded reference, not a synthetic one")
        }
    }

    /// The crouch gait cycle: walking3d sampled over one cycle, crouched, and fitted again.
    static func crouchCycle(model: Model) throws -> FourierCycle {
        let walking = try builtinCycle("walking3d")
        let count = 256
        let time = (0...count).map { walking.period * Double($0) / Double(count) }
        let rows = time.map { t in model.coordinates.map { c in walking.series(c.name).map { walking.evaluate($0, at: t).value } ?? c.defaultValue } }
        let table = MotionTable(name: "walking3d", labels: model.coordinates.map(\.name), time: time, rows: rows, inDegrees: false)
        let crouch = try SyntheticMotion.crouchGait(from: table, model: model)
        return FourierCycle.fit(cycle: crouch, model: model, name: "crouch3d",
                                source: "synthetic crouch gait (bioimitate, SyntheticMotion.crouchGait) from \(walking.source)").cycle
    }

    static func palsyModel(_ model: Model) throws -> Model { try model.withPalsyImpairment() }
}
