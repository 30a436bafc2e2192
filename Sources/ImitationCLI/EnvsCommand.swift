import ArgumentParser
import Foundation
import RL
import Imitation
import Sim

struct Envs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the environment IDs with their observation and action sizes, model and reference.",
        discussion: """
            Pendulum-v1 (gymnasium's exact dynamics) is the learners' known-answer task. --names ID prints the name of
            every observation and action number of one environment.
            """)

    @Flag(help: "Print the list as JSON.")
    var json = false

    @Option(help: "Print the observation and action names of this environment.")
    var names: String?

    struct Row: Encodable {
        let id: String, task: String, actuation: String, dimension: String, built: Bool
        let observationSize: Int?, actionSize: Int?
        let model: String, reference: String, cycleSeconds: Double?, referenceSeconds: Double?
        let error: String?
        enum CodingKeys: String, CodingKey {
            case id, task, actuation, dimension, built, model, reference, error
            case observationSize = "observation_size", actionSize = "action_size"
            case cycleSeconds = "cycle_seconds", referenceSeconds = "reference_seconds"
        }
    }

    func rows() -> [Row] {
        let pendulum = Pendulum()
        var rows = [Row(id: Pendulum.id, task: "Pendulum swing-up", actuation: "torque", dimension: "-", built: true,
                        observationSize: pendulum.observationSize, actionSize: pendulum.actionSize, model: "pendulum",
                        reference: "-", cycleSeconds: nil, referenceSeconds: nil, error: nil)]
        for spec in EnvironmentSpec.all {
            var env: ImitationEnvironment?, error: String?
            do { env = try EnvironmentRegistry.make(id: spec.id) } catch let e { error = "\(e)" }
            rows.append(Row(id: spec.id, task: spec.task.rawValue, actuation: spec.actuation.rawValue.lowercased(),
                            dimension: spec.dimension.rawValue, built: env != nil, observationSize: env?.observationSize,
                            actionSize: env?.actionSize, model: EnvironmentRegistry.modelDescription(spec),
                            reference: EnvironmentRegistry.referenceDescription(spec), cycleSeconds: env?.reference.cycleDuration,
                            referenceSeconds: env?.reference.duration, error: error))
        }
        return rows
    }

    func run() throws {
        if let names {
            let env = try Environments.imitation(names, config: EnvironmentConfig())
            print("# \(names): \(env.task.summary)")
            for (i, n) in env.observationNames.enumerated() { print("observation[\(i)]\t\(n)") }
            for (i, n) in env.actionNames.enumerated() { print("action[\(i)]\t\(n)\t[\(env.actionLow[i]), \(env.actionHigh[i])]") }
            return
        }
        let rows = rows()
        if json {
            let encoder = JSONEncoder(); encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
            return
        }
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: n, withPad: " ", startingAt: 0) }
        print(pad("ID", 32) + pad("OBS", 5) + pad("ACT", 5) + pad("MODEL", 53) + "REFERENCE")
        for r in rows {
            let cycle = r.cycleSeconds.map { String(format: ", cycle %.2f s", $0) } ?? ""
            print(pad(r.id, 32) + pad(r.observationSize.map(String.init) ?? "-", 5) + pad(r.actionSize.map(String.init) ?? "-", 5)
                  + pad(r.model, 53) + (r.built ? r.reference + cycle : "(not available: \(r.error ?? ""))"))
        }
    }
}
