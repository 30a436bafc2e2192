import Sim

/// What distinguishes one imitation environment from another: its model (variant), its reference motion and the
/// few task settings the design fixes (docs/environments.md). Built by `EnvironmentRegistry`.
public struct ImitationTask: Sendable {
    public let id: String
    public let model: Model
    public let reference: ReferenceMotion
    /// Torque envs: the actuated coordinates' PD gains (kp N·m/rad, kd N·m·s/rad); empty for muscle and servo envs.
    public let pdGains: [(kp: Double, kd: Double)]
    /// The episode ends when the torso origin drops below this height (m).
    public let minimumTorsoHeight: Double
    /// A one-line description for listings.
    public let summary: String
    /// Coordinates the reference does not give (held at their defaults in it): neither scored nor observed.
    public let untracked: Set<Int>

    public init(id: String, model: Model, reference: ReferenceMotion, pdGains: [(kp: Double, kd: Double)],
                minimumTorsoHeight: Double, summary: String, untracked: Set<Int> = []) {
        self.id = id; self.model = model; self.reference = reference; self.pdGains = pdGains
        self.minimumTorsoHeight = minimumTorsoHeight; self.summary = summary; self.untracked = untracked
    }

    /// This task with `model` (the environment adds its push force).
    func with(model: Model) -> ImitationTask {
        ImitationTask(id: id, model: model, reference: reference, pdGains: pdGains, minimumTorsoHeight: minimumTorsoHeight,
                      summary: summary, untracked: untracked)
    }

    /// PD gains of the original environments: kp 100, kd 5 for hips and knees, kp 50, kd 2 for ankles. Pelvis
    /// rotations and the lumbar joint, which the original did not list, get the hip gains.
    public static func gains(for coordinate: String) -> (kp: Double, kd: Double) {
        coordinate.hasPrefix("ankle") ? (50, 2) : (100, 5)
    }
}

/// Everything an environment reports about its last step, besides the observation.
public struct StepInfo: Sendable {
    /// Unweighted terms, each in [0, 1]: exp(−30·MSE)·exp(−20·COM MSE)(·feet), exp(−effort), exp(−‖Δa‖).
    public var imitation = 0.0, effort = 0.0, smoothness = 0.0
    /// The terms times their weights; they sum to the reward.
    public var weightedImitation = 0.0, weightedEffort = 0.0, weightedSmoothness = 0.0
    /// Joint-angle tracking error (rad, RMS over the tracked coordinates) and centre-of-mass position error (m).
    public var jointRMSE = 0.0, comError = 0.0
    /// Metabolic power (muscle envs) or mechanical power (torque envs), W; effort is this energy per unit
    /// body weight and distance (a cost of transport).
    public var power = 0.0
    /// Per foot: force (N) and moment about the pelvis (N·m), ground axes, 6 numbers per foot.
    public var footLoads: [Double] = []
    /// Why the episode terminated, nil while it runs.
    public var fallReason: String?
    public init() {}

    /// The per-step numbers that the C ABI (`bi_env_info`), rollout recordings (`rewards.sto`) and the trainer's
    /// logged means share, in this order and under these names; the foot loads follow where a consumer takes them.
    public enum Field: Int, CaseIterable, Sendable {
        case imitation, effort, smoothness, weightedImitation, weightedEffort, weightedSmoothness, jointRMSEDegrees, comError, power

        public var name: String {
            ["imitation", "effort", "smoothness", "weighted_imitation", "weighted_effort", "weighted_smoothness",
             "joint_rmse_deg", "com_error_m", "power_w"][rawValue]
        }
    }

    /// Every field in order, built once (a synthesized `allCases` builds its array on each access).
    public static let fields = Field.allCases

    @inline(__always) public func value(_ field: Field) -> Double {
        switch field {
        case .imitation: return imitation
        case .effort: return effort
        case .smoothness: return smoothness
        case .weightedImitation: return weightedImitation
        case .weightedEffort: return weightedEffort
        case .weightedSmoothness: return weightedSmoothness
        case .jointRMSEDegrees: return jointRMSE * 180 / .pi
        case .comError: return comError
        case .power: return power
        }
    }
}
