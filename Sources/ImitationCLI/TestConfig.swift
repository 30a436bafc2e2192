/// Evaluation settings; mirrors `configs/test_default.json`.
struct TestConfig: Codable, Equatable {
    var episodes = 10
    /// Use the policy mean instead of sampling.
    var deterministic = true
    var seed = 0
    /// Apply the environment's perturbation pushes during evaluation.
    var perturb = false
    /// Write the simulated motion as `.mot` and the controls as `.sto`.
    var saveMotion = true

    enum CodingKeys: String, CodingKey {
        case episodes, deterministic, seed, perturb
        case saveMotion = "save_motion"
    }

    func firstProblem() -> (key: String, reason: String)? {
        if episodes < 1 { return ("episodes", "must be at least 1") }
        if !deterministic { return ("deterministic", "only deterministic evaluation (the policy mean) is supported") }
        return nil
    }
}
