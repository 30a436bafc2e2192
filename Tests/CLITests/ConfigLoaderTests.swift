import Foundation
@testable import ImitationCLI
import JSONConfig
import RL
import Imitation
import Sim
import XCTest

final class ConfigLoaderTests: XCTestCase {
    /// configs/ sits at the package root, two levels above this file's folder.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func config(_ name: String) -> String { root.appendingPathComponent("configs/\(name)").path }

    private func write(_ json: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bioimitate-\(UUID().uuidString).json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    private func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let error as ConfigError { return error.description } catch { return "\(error)" }
    }

    /// A repeated key is refused (JSON readers keep one of the two silently); nested objects and string values that
    /// look like keys are not mistaken for one; num_envs has an upper bound.
    func testDuplicateKeysAndUnboundedEnvironmentCountsAreRefused() throws {
        let twice = try write(#"{"seed": 1, "clip_param": 0.2, "seed": 2}"#)
        XCTAssertEqual(message { _ = try ConfigLoader.load(PPOConfig(), from: twice) { $0.firstProblem() } }.map { $0.hasSuffix("key 'seed' appears more than once") }, true)
        XCTAssertNil(ConfigLoader.duplicateTopLevelKey(in: Data(#"{"a": {"b": 1, "c": {"b": 2}}, "d": "a", "e": ["a", "a"]}"#.utf8)))
        XCTAssertEqual(ConfigLoader.duplicateTopLevelKey(in: Data(#"{"a\"b": 1, "a\"b": 2}"#.utf8)), #"a\"b"#)
        let many = try write(#"{"num_envs": 10000}"#)
        XCTAssertTrue(message { _ = try ConfigLoader.load(PPOConfig(), from: many) { $0.firstProblem() } }?.contains("num_envs") == true)
        XCTAssertTrue(message { _ = try ConfigLoader.load(SACConfig(), from: many) { $0.firstProblem() } }?.contains("num_envs") == true)
    }

    /// The shipped JSON files hold every key with exactly the built-in defaults, so neither can drift.
    func testShippedConfigsEqualBuiltInDefaults() throws {
        func keys(_ path: String) throws -> Set<String> {
            Set((try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]).keys)
        }
        func encodedKeys<T: Encodable>(_ v: T) throws -> Set<String> {
            Set((try JSONSerialization.jsonObject(with: JSONEncoder().encode(v)) as! [String: Any]).keys)
        }
        XCTAssertEqual(try ConfigLoader.load(PPOConfig(), from: Self.config("train_default.json")) { $0.firstProblem() }, PPOConfig())
        XCTAssertEqual(try ConfigLoader.load(SACConfig(), from: Self.config("sac_default.json")) { $0.firstProblem() }, SACConfig())
        XCTAssertEqual(try ConfigLoader.load(EnvironmentConfig(), from: Self.config("env_default.json")) { $0.firstProblem() }, EnvironmentConfig())
        XCTAssertEqual(try ConfigLoader.load(TestConfig(), from: Self.config("test_default.json")) { $0.firstProblem() }, TestConfig())
        XCTAssertEqual(try keys(Self.config("train_default.json")), try encodedKeys(PPOConfig()))
        XCTAssertEqual(try keys(Self.config("sac_default.json")), try encodedKeys(SACConfig()))
        XCTAssertEqual(try keys(Self.config("env_default.json")), try encodedKeys(EnvironmentConfig()))
        XCTAssertEqual(try keys(Self.config("test_default.json")), try encodedKeys(TestConfig()))
    }

    func testDesignDefaults() throws {
        let env = EnvironmentConfig()
        XCTAssertEqual(env.rewardWeights, [0.8, 0.2, 0.1])
        XCTAssertEqual(env.horizon, 5)
        XCTAssertEqual(env.maxActuation, 200)
        // The tuned PPO defaults replace the original's RLlib config, which a shipped file reproduces.
        let ppo = try ConfigLoader.load(PPOConfig(), from: Self.config("ppo_rllib_original.json")) { $0.firstProblem() }
        XCTAssertEqual(ppo.hidden, [512, 512]); XCTAssertEqual(ppo.lr, 1e-4); XCTAssertEqual(ppo.gamma, 0.995)
        XCTAssertEqual(ppo.numSGDIter, 20); XCTAssertEqual(ppo.sgdMinibatchSize, 256); XCTAssertEqual(ppo.trainBatchSize, 3200)
        XCTAssertEqual(ppo.klCoeff, 1); XCTAssertEqual(ppo.clipParam, 0.3); XCTAssertEqual(ppo.batchMode, .completeEpisodes)
        XCTAssertEqual(ppo.initialLogStd, 0)
        let sac = SACConfig()
        XCTAssertEqual(sac.tau, 0.005); XCTAssertEqual(sac.bufferSize, 1_000_000); XCTAssertEqual(sac.learningStarts, 10_000)
    }

    func testPartialFileOverridesOnlyItsKeys() throws {
        let path = try write(#"{"lr": 0.0003, "hidden": [64, 64], "num_envs": 4}"#)
        let c = try ConfigLoader.load(PPOConfig(), from: path) { $0.firstProblem() }
        XCTAssertEqual(c.lr, 3e-4); XCTAssertEqual(c.hidden, [64, 64]); XCTAssertEqual(c.numEnvs, 4)
        XCTAssertEqual(c.gamma, PPOConfig().gamma)
    }

    /// Option words are enums: a wrong word names the key and every allowed word, for each config type.
    func testOptionWordsNameTheKeyAndTheAllowedWords() throws {
        let path = try write(#"{"integrator": "euler"}"#)
        XCTAssertEqual(message { _ = try ConfigLoader.load(EnvironmentConfig(), from: path) { $0.firstProblem() } },
                       #"\#(path): key 'integrator' must be one of "stiff", "explicit", got "euler""#)
        XCTAssertTrue(message { _ = try ConfigLoader.load(EnvironmentConfig(), from: try self.write(#"{"mode": "eval"}"#)) { $0.firstProblem() } }?
            .hasSuffix(#"key 'mode' must be one of "train", "test", got "eval""#) == true)
        XCTAssertTrue(message { _ = try ConfigLoader.load(PPOConfig(), from: try self.write(#"{"batch_mode": "episodes"}"#)) { $0.firstProblem() } }?
            .hasSuffix(#"key 'batch_mode' must be one of "complete_episodes", "truncate_episodes", got "episodes""#) == true)
        XCTAssertTrue(message { _ = try ConfigLoader.load(SACConfig(), from: try self.write(#"{"activation": "gelu"}"#)) { $0.firstProblem() } }?
            .hasSuffix(#"key 'activation' must be one of "tanh", "relu", got "gelu""#) == true)
        XCTAssertTrue(message { _ = try ConfigLoader.load(SACConfig(), from: try self.write(#"{"observation_filter": "Mean"}"#)) { $0.firstProblem() } }?
            .hasSuffix(#"key 'observation_filter' must be one of "MeanStdFilter", "NoFilter", got "Mean""#) == true)
        XCTAssertEqual(try ConfigLoader.load(EnvironmentConfig(), from: try write(#"{"integrator": "explicit", "mode": "test"}"#)) { $0.firstProblem() }.integrator, .explicit)
    }

    /// A Double whose default is whole (kl_coeff 1.0 is written as 1) still takes fractions; an Int does not.
    func testFractionsAreAcceptedForNumbersWithWholeDefaults() throws {
        let c = try ConfigLoader.load(PPOConfig(), from: try write(#"{"kl_coeff": 0.2, "vf_clip_param": 2.5}"#)) { $0.firstProblem() }
        XCTAssertEqual(c.klCoeff, 0.2); XCTAssertEqual(c.vfClipParam, 2.5)
        let s = try ConfigLoader.load(SACConfig(), from: try write(#"{"initial_alpha": 0.5}"#)) { $0.firstProblem() }
        XCTAssertEqual(s.initialAlpha, 0.5)
        XCTAssertNotNil(message { _ = try ConfigLoader.load(PPOConfig(), from: try self.write(#"{"num_envs": 2.5}"#)) { $0.firstProblem() } })
    }

    func testErrorsNameTheFileAndTheKey() throws {
        let cases: [(String, String)] = [
            (#"{"learning_rate": 0.1}"#, "unknown key 'learning_rate'"),
            (#"{"gama": 0.9}"#, "did you mean 'gamma'?"),
            (#"{"lr": "fast"}"#, "key 'lr' must be a number"),
            (#"{"num_sgd_iter": 2.5}"#, "key 'num_sgd_iter' must be an integer"),
            (#"{"hidden": [64, "x"]}"#, "key 'hidden' must be a list"),
            (#"{"gamma": 1.5}"#, "key 'gamma' must be in (0, 1]"),
            (#"{"activation": "sigmoid"}"#, "key 'activation'"),
            ("[1, 2]", "top level must be a JSON object"),
            ("{not json", "not valid JSON"),
        ]
        for (json, expected) in cases {
            let path = try write(json)
            let text = message { _ = try ConfigLoader.load(PPOConfig(), from: path) { $0.firstProblem() } }
            XCTAssertNotNil(text, json)
            XCTAssertTrue(text?.hasPrefix(path) == true, "\(json): \(text ?? "")")
            XCTAssertTrue(text?.contains(expected) == true, "\(json): \(text ?? "") lacks \(expected)")
            XCTAssertFalse(text?.contains("\n") == true)
        }
        XCTAssertEqual(message { _ = try ConfigLoader.load(TestConfig(), from: "/nonexistent.json") { $0.firstProblem() } },
                       "/nonexistent.json: cannot read config file (does it exist?)")
    }

    func testEnvironmentConfigChecks() throws {
        let bad = [(#"{"use_GRF": 1}"#, "true or false"), (#"{"r_weights": [1, 2]}"#, "r_weights"),
                   (#"{"mode": "eval"}"#, "mode"), (#"{"horizon": 0}"#, "horizon")]
        for (json, expected) in bad {
            let path = try write(json)
            let text = message { _ = try ConfigLoader.load(EnvironmentConfig(), from: path) { $0.firstProblem() } }
            XCTAssertTrue(text?.contains(expected) == true, "\(json): \(text ?? "nil")")
        }
    }

    func testTrainResolvesAlgorithmFromFileAndFlags() throws {
        var train = try Train.parse(["--config", Self.config("sac_default.json"), "--steps", "123", "--seed", "7"])
        guard let sac = try train.resolve().train as? SACConfig else { return XCTFail("expected SAC") }
        XCTAssertEqual(sac.totalSteps, 123); XCTAssertEqual(sac.seed, 7)
        train = try Train.parse([])
        XCTAssert(try train.resolve().train is PPOConfig, "expected PPO by default")
        let printed = try train.resolve().json()
        let object = try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: Any]
        XCTAssertEqual(object?["env_id"] as? String, "MuscleWalkingImitation2D-v0")
        XCTAssertNotNil(object?["environment"] as? [String: Any]); XCTAssertNotNil(object?["train"] as? [String: Any])
    }

    func testSeventeenEnvironmentIDs() {
        XCTAssertEqual(EnvironmentSpec.all.count, 17)
        XCTAssertEqual(Set(EnvironmentSpec.all.map(\.id)).count, 17)
        XCTAssertNotNil(EnvironmentSpec.named("MusclePalsyImitation3D-v0"))
        XCTAssertNotNil(EnvironmentSpec.named("TorqueLockedKneeImitation2D-v0"))
        XCTAssertNil(EnvironmentSpec.named("TorquePalsyImitation3D-v0"))
    }

    /// A run config from before the `integrator` key reads back as the explicit integrator it was trained with; a
    /// current one round-trips; any other missing key is still an error.
    func testRunConfigsWithoutAnIntegratorReadAsExplicit() throws {
        func run(_ environment: [String: Any]) throws -> Data {
            try JSONSerialization.data(withJSONObject: ["environment": environment, "reference": NSNull()])
        }
        var environment = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(EnvironmentConfig())) as? [String: Any])
        XCTAssertEqual(try RunSettings.decode(run(environment)).environment, EnvironmentConfig())
        environment["integrator"] = nil
        let old = try RunSettings.decode(run(environment)).environment
        XCTAssertEqual(old.integrator, .explicit)
        XCTAssertEqual(old.integratorMode, .adaptive(accuracy: 1e-3))
        environment["horizon"] = nil
        XCTAssertThrowsError(try RunSettings.decode(run(environment)))
    }
}
