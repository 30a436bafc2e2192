import ArgumentParser
import Foundation
import RL
import Sim

struct Envs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the environment IDs.",
        discussion: """
            Pendulum-v1 (gymnasium's exact dynamics) is the learners' known-answer task. The imitation environments are
            listed with their task and body; their observation and action sizes appear once they are built.
            """)

    @Flag(help: "Print the list as JSON.")
    var json = false

    struct Row: Encodable {
        let id: String, task: String, actuation: String, dimension: String, built: Bool
        let observationSize: Int?, actionSize: Int?
        enum CodingKeys: String, CodingKey {
            case id, task, actuation, dimension, built
            case observationSize = "observation_size", actionSize = "action_size"
        }
    }

    func rows() -> [Row] {
        let pendulum = Pendulum()
        return [Row(id: Pendulum.id, task: "Pendulum swing-up", actuation: "torque", dimension: "-", built: true,
                    observationSize: pendulum.observationSize, actionSize: pendulum.actionSize)]
            + EnvironmentSpec.all.map {
                Row(id: $0.id, task: $0.task.rawValue, actuation: $0.actuation.rawValue.lowercased(), dimension: $0.dimension.rawValue,
                    built: false, observationSize: nil, actionSize: nil)
            }
    }

    func run() throws {
        let rows = rows()
        if json {
            let encoder = JSONEncoder(); encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
            return
        }
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: n, withPad: " ", startingAt: 0) }
        print(pad("ID", 34) + pad("TASK", 19) + pad("ACTUATION", 11) + pad("DIM", 5) + pad("OBS", 6) + "ACT")
        for r in rows {
            print(pad(r.id, 34) + pad(r.task, 19) + pad(r.actuation, 11) + pad(r.dimension, 5)
                  + pad(r.observationSize.map(String.init) ?? "-", 6) + (r.actionSize.map(String.init) ?? "(not built yet)"))
        }
    }
}
