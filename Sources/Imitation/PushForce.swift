import Sim

/// A horizontal push on a body's centre of mass whose force (N, ground frame) is read from its three controls, so an
/// environment can schedule perturbations while the model stays immutable.
public final class PushForce: ForceElement {
    public let name: String
    public let body: Int
    public var controlCount: Int { 3 }

    public init(name: String, body: Int) { self.name = name; self.body = body }

    public func apply(model: Model, data d: inout SimData, slots: ForceSlots, stateRates: inout [Double]) {
        let c = slots.control
        let force = Vec3(d.controls[c], d.controls[c + 1], d.controls[c + 2])
        guard force != .zero else { return }
        d.applyForce(force, at: d.position(of: model.bodies[body].massCenter, on: body), on: body)
    }
}
