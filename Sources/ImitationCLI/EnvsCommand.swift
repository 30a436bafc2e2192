import ArgumentParser
import Foundation
import Sim

struct Envs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the environment IDs.",
        discussion: "Observation and action sizes are listed once the environments are built.")

    @Flag(help: "Print the list as JSON.")
    var json = false

    func run() throws {
        let specs = EnvironmentSpec.all
        if json {
            let rows = specs.map { ["id": $0.id, "task": $0.task.rawValue, "actuation": $0.actuation.rawValue.lowercased(),
                                    "dimension": $0.dimension.rawValue] }
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("ID".padding(toLength: 34, withPad: " ", startingAt: 0) + "TASK        ACTUATION  DIM")
        for s in specs {
            print(s.id.padding(toLength: 34, withPad: " ", startingAt: 0)
                  + s.task.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                  + s.actuation.rawValue.lowercased().padding(toLength: 11, withPad: " ", startingAt: 0)
                  + s.dimension.rawValue)
        }
    }
}
