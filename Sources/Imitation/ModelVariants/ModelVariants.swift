import Sim

extension Model {
    /// The torque-driven variant: muscles removed, and a CoordinateActuator (optimal force 1 N·m, so the control is
    /// the torque) on every rotational, unlocked coordinate. Pelvis translations stay unactuated.
    public func torqueDriven() -> Model {
        let actuators: [ForceElement] = coordinates.indices
            .filter { coordinates[$0].motion == .rotational && !coordinates[$0].locked }
            .map { CoordinateActuator(name: "\(coordinates[$0].name)_torque", coordinate: $0, optimalForce: 1) }
        return removing { $0 is MuscleForce }.adding(forces: actuators)
    }

    /// The servo-driven variant (custom models' torque actuation): muscles removed, and a `PDServo` with the gains
    /// of `gains(name)` on every unlocked rotational coordinate; the control of each is its target angle. With a
    /// `residualCap`, the floating base's rotations get residual servos clipped to it (joint-only actuation).
    public func servoDriven(maxTorque: Double, residualCap: Double? = nil, gains: (String) -> (kp: Double, kd: Double)) -> Model {
        let base = Set(floatingBaseCoordinates)
        let servos: [ForceElement] = coordinates.indices
            .filter { coordinates[$0].motion == .rotational && !coordinates[$0].locked }
            .map { c in
                let g = gains(coordinates[c].name), residual = residualCap != nil && base.contains(c)
                return PDServo(name: "\(coordinates[c].name)_\(residual ? "residual" : "servo")", coordinate: c, kp: g.kp, kd: g.kd,
                               maxTorque: residual ? residualCap! : maxTorque, residual: residual)
            }
        return removing { $0 is MuscleForce }.adding(forces: servos)
    }

    /// The coordinates of joints that hang a body on ground by three or more coordinates, one of them
    /// translational: the floating base (pelvis_tilt ... pelvis_tz of the gait models).
    public var floatingBaseCoordinates: [Int] {
        joints.filter { $0.parent < 0 && $0.coordinates.count >= 3 && $0.coordinates.contains { coordinates[$0].motion == .translational } }
            .flatMap(\.coordinates)
    }

    /// The locked-knee (prosthesis-like) variant of the original environments: the left knee and ankle are locked
    /// and the left gastrocnemius, soleus and tibialis anterior are removed. Apply before `torqueDriven()` so the
    /// locked coordinates get no actuator.
    public func lockedLeftKnee() throws -> Model {
        for name in ["knee_angle_l", "ankle_angle_l"] where coordinateIndex(name) == nil {
            throw SimError.invalid("\(self.name): the locked-knee variant needs coordinate \(name)")
        }
        let removed = ["gastroc_l", "soleus_l", "tib_ant_l", "med_gas_l", "lat_gas_l"]
        return setting(locked: ["knee_angle_l", "ankle_angle_l"]).removing { f in
            f is MuscleForce && removed.contains(f.name)
        }
    }
}
