import Foundation
import XCTest
@testable import Imitation
@testable import Sim

final class ImitationEnvironmentTests: XCTestCase {
    /// The environments whose models and references are available.
    func builtEnvironments(config: EnvironmentConfig = EnvironmentConfig()) throws -> [ImitationEnvironment] {
        try EnvironmentSpec.all.map { try EnvironmentRegistry.make(id: $0.id, config: config) }
    }

    /// Random actions within the bounds, resets whenever an episode ends: nothing non-finite, every reward term
    /// within its stated bounds, the reward their sum. Returns the observations seen (for the determinism check).
    @discardableResult
    func runRandom(_ env: ImitationEnvironment, steps: Int, seed: UInt64) -> (observations: [Float], episodes: Int, falls: Int) {
        var rng = Random(seed: seed)
        var obs = [Float](repeating: 0, count: env.observationSize), action = [Float](repeating: 0, count: env.actionSize)
        var seen: [Float] = [], episodes = 1, falls = 0
        env.reset(seed: seed, observation: &obs)
        let w = env.config.rewardWeights
        for _ in 0..<steps {
            for i in action.indices { action[i] = env.actionLow[i] + Float(rng.uniform(0, 1)) * (env.actionHigh[i] - env.actionLow[i]) }
            let r = env.step(action, observation: &obs)
            seen += obs
            XCTAssertTrue(obs.allSatisfy(\.isFinite), "\(env.task.id): non-finite observation")
            XCTAssertTrue(r.reward.isFinite, "\(env.task.id): non-finite reward")
            let i = env.info
            for term in [i.imitation, i.effort, i.smoothness] { XCTAssertTrue((0...1).contains(term), "\(env.task.id): term \(term) outside [0, 1]") }
            XCTAssertLessThanOrEqual(i.weightedImitation, 0.5 + w[0] + 1e-12)
            XCTAssertLessThanOrEqual(i.weightedEffort, w[1] + 1e-12)
            XCTAssertLessThanOrEqual(i.weightedSmoothness, w[2] + 1e-12)
            if !r.terminated { XCTAssertEqual(r.reward, i.weightedImitation + i.weightedEffort + i.weightedSmoothness, accuracy: 1e-12) }
            if r.terminated { XCTAssertNotNil(i.fallReason); falls += 1 }
            if r.terminated || r.truncated {
                env.reset(seed: seed &+ UInt64(episodes), observation: &obs); episodes += 1
            }
        }
        return (seen, episodes, falls)
    }

    func testEveryEnvironmentRunsTwoThousandRandomStepsWithResets() throws {
        let envs = try builtEnvironments()
        XCTAssertEqual(envs.count, 17)
        for env in envs {
            let run = runRandom(env, steps: 2000, seed: 11)
            XCTAssertGreaterThan(run.episodes, 1, "\(env.task.id) never reset")
            print("\(env.task.id): 2000 random steps, \(run.episodes) episodes, \(run.falls) falls")
        }
    }

    func testIdenticalSeedsGiveIdenticalTrajectories() throws {
        // Every environment, with pushes on; long enough for resets (random actions fall within 20-160 steps).
        for spec in EnvironmentSpec.all {
            let id = spec.id
            var config = EnvironmentConfig(); config.applyPerturbations = true
            let a = try EnvironmentRegistry.make(id: id, config: config), b = try EnvironmentRegistry.make(id: id, config: config)
            let first = runRandom(a, steps: 200, seed: 5).observations
            XCTAssertEqual(first, runRandom(b, steps: 200, seed: 5).observations, id)
            XCTAssertEqual(first, runRandom(a, steps: 200, seed: 5).observations, "\(id) reused")
            XCTAssertNotEqual(first, runRandom(a, steps: 200, seed: 6).observations, "\(id): the seed changes nothing")
        }
    }

    /// Kinematic replay: the body put in the reference state at every step scores an imitation term of 1 (above
    /// 0.99), and the target the observation announced one step earlier is the state that follows.
    func testKinematicReplayScoresFullImitation() throws {
        var config = EnvironmentConfig(); config.mode = .test
        for env in try builtEnvironments(config: config) {
            var obs = [Float](repeating: 0, count: env.observationSize)
            env.reset(seed: 0, observation: &obs)
            let targetIndex = env.observationNames.indices.filter { env.observationNames[$0].hasPrefix("target_q:") }
            let qIndex = env.observationNames.indices.filter { env.observationNames[$0].hasPrefix("q:") }
            var worst = 1.0
            for f in 1...env.endFrame {
                let announced = targetIndex.map { obs[$0] }
                env.setToReference(frame: f)
                let info = env.replayScore(observation: &obs)
                worst = min(worst, info.imitation)
                XCTAssertEqual(announced, qIndex.map { obs[$0] }, "\(env.task.id) frame \(f)")
            }
            XCTAssertGreaterThan(worst, 0.99, env.task.id)
            print("\(env.task.id): replay over \(env.endFrame) frames, worst imitation term \(worst)")
        }
    }

    /// Pushes act 1.0–1.2 s, 3.0–3.2 s, ... into an episode, and a push on the torso accelerates the body.
    func testPerturbationsPushTheBody() throws {
        let active = (0..<500).filter { PushSchedule.at(episodeTime: Double($0) * 0.01, step: 0.01).active }
        XCTAssertEqual(active, Array(100..<120) + Array(300..<320))
        let starts = (0..<500).filter { PushSchedule.at(episodeTime: Double($0) * 0.01, step: 0.01).starts }
        XCTAssertEqual(starts, [100, 300])
        var config = EnvironmentConfig(); config.applyPerturbations = true
        let model = try EnvironmentRegistry.make(id: "MuscleWalkingImitation2D-v0", config: config).model
        let push = try XCTUnwrap(model.forces.firstIndex { $0 is PushForce })
        var d = SimData(model: model), rates = [Double](repeating: 0, count: model.stateCount)
        try model.computeAccelerations(&d, stateRates: &rates)
        let tx = model.coordinateIndex("pelvis_tx")!, before = d.udot[tx]
        d.controls[model.controlOffsets[push]] = 50
        try model.computeAccelerations(&d, stateRates: &rates)
        // 50 N on the whole body accelerates the free pelvis forward (its share depends on the linkage).
        XCTAssertGreaterThan(d.udot[tx] - before, 0.1)
    }

    func testBadConfigAndActionsAreHandled() throws {
        var config = EnvironmentConfig(); config.horizon = 0
        XCTAssertThrowsError(try EnvironmentRegistry.make(id: "MuscleWalkingImitation2D-v0", config: config)) { error in
            XCTAssertTrue("\(error)".contains("horizon"))
        }
        XCTAssertThrowsError(try EnvironmentRegistry.make(id: "MuscleFlyingImitation2D-v0"))
        // NaN actions are clipped to the lower bound instead of poisoning the state.
        let env = try EnvironmentRegistry.make(id: "MuscleWalkingImitation2D-v0")
        var obs = [Float](repeating: 0, count: env.observationSize)
        env.reset(seed: 1, observation: &obs)
        let r = env.step([Float](repeating: .nan, count: env.actionSize), observation: &obs)
        XCTAssertTrue(r.reward.isFinite && obs.allSatisfy(\.isFinite))
    }
}
