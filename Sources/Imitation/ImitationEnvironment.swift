import Foundation
import Sim

/// A gym-style imitation environment over flat Float32 buffers (docs/environments.md): `reset(seed:)` puts the body in the
/// reference state at a start frame; `step` applies an action for one control step and scores how closely the body
/// follows the reference. Muscle envs take one excitation in [0, 1] per muscle; torque envs take target angles of
/// the actuated coordinates, turned into clipped PD torques. Stepping allocates nothing.
public final class ImitationEnvironment {
    public let task: ImitationTask
    public let config: EnvironmentConfig
    public var model: Model { task.model }
    public var reference: ReferenceMotion { task.reference }
    public var observationNames: [String] { layout.names }
    let layout: ObservationLayout
    public let actionNames: [String]
    public let actionLow: [Float], actionHigh: [Float]
    public var observationSize: Int { observationNames.count }
    public var actionSize: Int { actionNames.count }

    /// The simulation state; read it for logging, change it only through `reset`, `step` or `setToReference`.
    public private(set) var data: SimData
    /// Reference frame the state corresponds to.
    public private(set) var frame = 0
    public private(set) var startFrame = 0, endFrame = 0
    public private(set) var info = StepInfo()
    /// Wall time spent inside the integrator and in whole `step` calls since creation (s), for benchmarks.
    public private(set) var simulationSeconds = 0.0, stepSeconds = 0.0
    /// The action applied in the last step (after smoothing): excitations or target angles.
    public var appliedAction: [Double] { filter.applied }

    // Fixed layout, computed once.
    let tracked: [Int]                 // coordinates whose angles are imitated and observed
    let actuatorControl: [Int]         // control index per action (muscle or coordinate actuator)
    let actuatedCoordinate: [Int]      // torque envs: coordinate per action
    let servoOutputs: [Int]            // servo-driven envs: each action's torque output; empty for held PD torques
    /// Actions whose servo is a residual actuator on the floating base (joint-only actuation of custom models).
    public let residualActions: [Int]
    let muscleForces: [(force: MuscleForce, state: Int, output: Int)]
    let metabolic: [MuscleMetabolicProperties]
    let energetics = UmbergerEnergetics()
    let footOutputs: [Int]
    let limitForces: [CoordinateLimitForce]
    let pushControl: Int?
    let torso: Int, pelvis: Int
    let fall: FallRule
    let planar: Bool
    let bodyWeight: Double

    // Scratch.
    var integrator: Integrator
    var rng = SplitMix(seed: 0)
    var filter: ActionFilter
    var savedQ: [Double], savedU: [Double], savedZ: [Double]
    var excitations: [Double], evaluations: [MuscleEvaluation]
    var rates: [Double]
    var pushDirection = Vec3.zero

    public init(task: ImitationTask, config: EnvironmentConfig) throws {
        if let problem = config.firstProblem() { throw SimError.invalid("environment config: \(problem.key) \(problem.reason)") }
        var task = task
        if config.applyPerturbations, let torso = task.model.bodyIndex("torso") {
            task = task.with(model: task.model.adding(forces: [PushForce(name: "push", body: torso)]))
        }
        self.task = task; self.config = config
        let model = task.model
        guard let torso = model.bodyIndex("torso"), let pelvis = model.bodyIndex("pelvis") else {
            throw SimError.invalid("\(model.name): an imitation model needs bodies 'pelvis' and 'torso'")
        }
        guard abs(task.reference.step - config.stepSize) < 1e-12 else {
            throw SimError.invalid("reference \(task.reference.name) is sampled at \(task.reference.step) s, the environment steps \(config.stepSize) s")
        }
        self.torso = torso; self.pelvis = pelvis
        fall = FallRule(minimumTorsoHeight: task.minimumTorsoHeight)
        planar = model.coordinateIndex("pelvis_tz") == nil
        tracked = model.coordinates.indices.filter {
            model.coordinates[$0].motion != .translational && !model.coordinates[$0].locked && !task.untracked.contains($0)
        }
        bodyWeight = model.totalMass * norm(model.gravity)
        // Standing height from leg length: the hip joint sits at about 0.53 of body height (Winter, Biomechanics and
        // Motor Control of Human Movement, 4th ed., segment lengths); used only to normalise foot moments.
        var standing = SimData(model: model)
        model.updateKinematics(&standing)
        let lowest = ContactPoints.lowest(model: model, data: standing)
        let hip = model.bodyIndex("femur_r").map { standing.origin[$0].y } ?? standing.origin[pelvis].y
        let height = lowest.sphere >= 0 ? max(hip - lowest.height, 0.5) / 0.53 : 1.8

        var muscles: [(MuscleForce, Int, Int)] = [], controls: [Int] = [], coordinates: [Int] = [], names: [String] = []
        var low: [Float] = [], high: [Float] = [], feet: [Int] = [], limits: [CoordinateLimitForce] = [], servos: [Int] = [], residuals: [Int] = []
        var push: Int?
        for (i, f) in model.forces.enumerated() {
            switch f {
            case let m as MuscleForce:
                muscles.append((m, model.stateOffsets[i], model.outputOffsets[i]))
                controls.append(model.controlOffsets[i]); names.append(m.name); low.append(0); high.append(1)
            case let a as CoordinateActuator:
                let c = model.coordinates[a.coordinate]
                controls.append(model.controlOffsets[i]); coordinates.append(a.coordinate); names.append(c.name)
                low.append(Float(c.range.lowerBound)); high.append(Float(c.range.upperBound))
            case let p as PDServo:
                let c = model.coordinates[p.coordinate]
                controls.append(model.controlOffsets[i]); coordinates.append(p.coordinate); names.append(c.name)
                low.append(Float(c.range.lowerBound)); high.append(Float(c.range.upperBound)); servos.append(model.outputOffsets[i])
                if p.residual { residuals.append(controls.count - 1) }
            case is HuntCrossleyForce, is SmoothSphereHalfSpaceForce:
                feet.append(model.outputOffsets[i])
            case let l as CoordinateLimitForce:
                limits.append(l)
            case is PushForce:
                push = model.controlOffsets[i]
            default: break
            }
        }
        guard !controls.isEmpty else { throw SimError.invalid("\(model.name) has no muscles or coordinate actuators to control") }
        if !servos.isEmpty && servos.count != coordinates.count {
            throw SimError.invalid("\(task.id): servos on \(servos.count) of \(coordinates.count) actuated coordinates (use one kind of actuator)")
        }
        if servos.isEmpty && !coordinates.isEmpty && task.pdGains.count != coordinates.count {
            throw SimError.invalid("\(task.id): \(task.pdGains.count) PD gains for \(coordinates.count) actuated coordinates")
        }
        muscleForces = muscles.map { (force: $0.0, state: $0.1, output: $0.2) }
        metabolic = muscles.map { MuscleMetabolicProperties(parameters: $0.0.muscle.parameters) }
        actuatorControl = controls; actuatedCoordinate = coordinates; servoOutputs = servos; residualActions = residuals; footOutputs = feet; limitForces = limits; pushControl = push
        actionNames = names; actionLow = low; actionHigh = high

        let footNames = model.forces.enumerated().filter { feet.contains(model.outputOffsets[$0.offset]) }.map { ($0.element.name, model.outputOffsets[$0.offset]) }
        layout = ObservationLayout(model: model, reference: task.reference, config: config, tracked: tracked, pelvis: pelvis,
                                   muscles: muscles.map { ($0.0.name, $0.2) }, feet: footNames, bodyWeight: bodyWeight, height: height)

        data = SimData(model: model)
        integrator = Integrator(model: model, mode: config.integratorMode)
        filter = ActionFilter(low: low, high: high, horizon: config.horizon)
        savedQ = data.q; savedU = data.u; savedZ = data.z
        rates = [Double](repeating: 0, count: model.stateCount)
        excitations = [Double](repeating: 0, count: muscles.count)
        evaluations = [MuscleEvaluation](repeating: MuscleEvaluation(), count: muscles.count)
        info.footLoads = [Double](repeating: 0, count: 6 * feet.count)
    }

    /// Starts an episode from the reference state at frame 0 (test mode) or at a random frame of the first gait
    /// cycle (train mode), muscles in equilibrium; writes the first observation.
    public func reset(seed: UInt64, observation: inout [Float]) {
        rng = SplitMix(seed: seed)
        let cycle = max(Int(reference.cycleFrames.rounded(.down)), 1)
        if config.mode == .test {
            startFrame = 0; endFrame = reference.frameCount - 1
        } else {
            startFrame = min(Int(rng.uniform() * Double(cycle)), reference.frameCount - 2)
            endFrame = min(startFrame + Int((2 * reference.cycleFrames).rounded()), reference.frameCount - 1)
        }
        setToReference(frame: startFrame)
        integrator = Integrator(model: model, mode: config.integratorMode)
        filter.reset()
        pushDirection = .zero
        info = StepInfo(); info.footLoads = [Double](repeating: 0, count: 6 * footOutputs.count)
        try? model.computeAccelerations(&data, stateRates: &rates)
        observe(&observation)
    }

    /// Puts the body exactly in the reference state of `frame` (coordinates and speeds; muscles at their default
    /// activation, fibers in equilibrium). The kinematic replay check calls this at every step.
    public func setToReference(frame f: Int) {
        frame = f
        for c in 0..<model.coordinateCount { data.q[c] = reference.position(f, c); data.u[c] = reference.speed(f, c) }
        for i in 0..<data.z.count { data.z[i] = 0 }
        for (i, force) in model.forces.enumerated() { force.initialize(model: model, state: &data.z, offset: model.stateOffsets[i]) }
        for i in 0..<data.controls.count { data.controls[i] = 0 }
        data.time = Double(f) * reference.step
        model.equilibrateMuscles(&data)
    }

    /// Scores the current state (as `step` does, with no action change and no distance travelled) and writes its
    /// observation; for the kinematic replay check after `setToReference`.
    public func replayScore(observation: inout [Float]) -> StepInfo {
        try? model.computeAccelerations(&data, stateRates: &rates)
        _ = score(deltaSquared: 0, distance: 0)
        observe(&observation)
        return info
    }

    /// Applies `action` (excitations, or target angles for torque envs; clipped to the bounds) for one control step.
    /// A simulator failure ends the episode with `info.fallReason` set and the last good state kept.
    public func step(_ action: [Float], observation: inout [Float]) -> (reward: Double, terminated: Bool, truncated: Bool) {
        let stepStart = DispatchTime.now().uptimeNanoseconds
        defer { stepSeconds += Double(DispatchTime.now().uptimeNanoseconds - stepStart) * 1e-9 }
        let n = actionSize
        let deltaSquared = filter.take(action)
        if actuatedCoordinate.isEmpty || !servoOutputs.isEmpty {
            // Excitations, or servo targets (the servo computes its torque at every integrator stage).
            for i in 0..<n { data.controls[actuatorControl[i]] = appliedAction[i] }
        } else {
            for i in 0..<n {
                let c = actuatedCoordinate[i]
                data.controls[actuatorControl[i]] = HeldPD.torque(target: appliedAction[i], q: data.q[c], u: data.u[c],
                                                                  gains: task.pdGains[i], limit: config.maxActuation)
            }
        }
        schedulePush()

        for i in 0..<data.q.count { savedQ[i] = data.q[i]; savedU[i] = data.u[i] }
        for i in 0..<data.z.count { savedZ[i] = data.z[i] }
        let startX = model.centerOfMass(data).position.x
        var failure: String?
        let simulationStart = DispatchTime.now().uptimeNanoseconds
        do {
            try integrator.advance(model, &data, to: Double(frame + 1) * reference.step)
        } catch {
            failure = "simulator failure: \(error)"
            for i in 0..<data.q.count { data.q[i] = savedQ[i]; data.u[i] = savedU[i] }
            for i in 0..<data.z.count { data.z[i] = savedZ[i] }
            // The last good state evaluated afresh, so the final observation is finite.
            do { try model.computeAccelerations(&data, stateRates: &rates) } catch {
                model.updateKinematics(&data)
                data.clearResults()
            }
        }
        simulationSeconds += Double(DispatchTime.now().uptimeNanoseconds - simulationStart) * 1e-9
        frame += 1

        let reward = score(deltaSquared: deltaSquared, distance: model.centerOfMass(data).position.x - startX)
        if failure == nil { failure = fall.reason(model: model, data: data, torso: torso, limitForces: limitForces) }
        info.fallReason = failure
        observe(&observation)
        let terminated = failure != nil
        return (terminated ? 0 : reward, terminated, !terminated && frame >= endFrame)
    }

    /// Sets the push force of this step (`PushSchedule`).
    private func schedulePush() {
        guard let c = pushControl else { return }
        let (starts, active) = PushSchedule.at(episodeTime: Double(frame - startFrame) * reference.step, step: reference.step)
        if starts {
            // A new push: random sign (2D) or random horizontal direction (3D).
            let angle = 2 * Double.pi * rng.uniform()
            pushDirection = planar ? Vec3(rng.uniform() < 0.5 ? -1 : 1, 0, 0) : Vec3(Foundation.cos(angle), 0, Foundation.sin(angle))
        }
        let force = active ? pushDirection * PushSchedule.force : .zero
        data.controls[c] = force.x; data.controls[c + 1] = force.y; data.controls[c + 2] = force.z
    }

    /// Reward and its terms at the current state against the reference frame (docs/environments.md).
    private func score(deltaSquared: Double, distance: Double) -> Double {
        let f = min(frame, reference.frameCount - 1)
        var squared = 0.0
        for c in tracked { let e = data.q[c] - reference.position(f, c); squared += e * e }
        let jointMSE = squared / Double(max(tracked.count, 1))
        let dims = planar ? 2 : 3
        let com = model.centerOfMass(data).position, target = reference.centerOfMass[f]
        var comSquared = 0.0
        for k in 0..<dims { comSquared += (com[k] - target[k]) * (com[k] - target[k]) }
        var feet: Double?
        if !planar {
            var legs = 0.0
            for side in ["_r", "_l"] {
                var sum = 0.0
                for (k, b) in reference.trackedBodies.enumerated() where model.bodies[b].name.hasSuffix(side) {
                    let e = data.origin[b] - reference.bodyPositions[f * reference.trackedBodies.count + k]
                    sum += dot(e, e)
                }
                legs += 0.5 * Foundation.exp(-ImitationReward.footScale * sum)
            }
            feet = legs
        }
        let power = muscleForces.isEmpty ? mechanicalPower() : metabolicPower()
        return ImitationReward.score(jointMSE: jointMSE, comSquared: comSquared, dims: dims, feet: feet, power: power, distance: distance,
                                     step: reference.step, bodyWeight: bodyWeight, deltaSquared: deltaSquared,
                                     weights: config.rewardWeights, into: &info)
    }

    /// Whole-body metabolic power (W) from each muscle's state at the end of the step (Umberger energetics).
    private func metabolicPower() -> Double {
        for (i, m) in muscleForces.enumerated() {
            let (length, speed) = m.force.path.lengthAndSpeed(data)
            let p = m.force.muscle.parameters
            excitations[i] = min(max(data.controls[actuatorControl[i]], p.minControl), p.maxControl)
            evaluations[i] = m.force.muscle.evaluate(activation: data.z[m.state], fiberLength: m.force.muscle.rigidTendon ? 0 : data.z[m.state + 1],
                                                     mtuLength: length, mtuLengtheningSpeed: speed, excitation: excitations[i])
        }
        return energetics.totalPower(bodyMass: model.totalMass, muscles: metabolic, excitations: excitations, states: evaluations)
    }

    /// Mechanical power of the joint torques (W), positive and negative work both cost.
    private func mechanicalPower() -> Double {
        var p = 0.0
        for i in actuatedCoordinate.indices { p += abs(torque(i) * data.u[actuatedCoordinate[i]]) }
        return p
    }

    /// The actuator inputs of the last step, one per action: excitations (muscle envs) or the clipped PD torques in
    /// N·m (torque envs). Allocates; for recording, not for the step loop.
    public func actuatorInputs() -> [Double] { actuatedCoordinate.isEmpty ? actuatorControl.map { data.controls[$0] } : actuatedCoordinate.indices.map(torque) }

    /// The torque of action i of a torque env (N·m): the servo's output, or the held PD torque.
    @inline(__always) private func torque(_ i: Int) -> Double {
        servoOutputs.isEmpty ? data.controls[actuatorControl[i]] : data.outputs[servoOutputs[i]]
    }

    /// Whether actions are target angles turned into PD torques (else muscle excitations).
    public var isTorqueDriven: Bool { !actuatedCoordinate.isEmpty }

    /// Torque envs: the coordinate each action drives (model coordinate indices); empty for muscle envs.
    public var actionCoordinates: [Int] { actuatedCoordinate }

    /// The coordinates whose angles are imitated (model coordinate indices), in observation order.
    public var trackedCoordinates: [Int] { tracked }

    /// Writes the observation in the order of `observationNames`.
    private func observe(_ o: inout [Float]) {
        layout.write(&o, model: model, data: data, reference: reference, frame: frame, footLoads: &info.footLoads)
    }
}
