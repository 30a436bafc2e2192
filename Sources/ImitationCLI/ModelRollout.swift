import Foundation
import Imitation
import Sim

/// `bioimitate rollout --model`: open-loop simulation of any `.osim` model from a pose, with optional controls.
enum ModelRollout {
    static func run(model path: String, initialState: String?, t0: Double, duration: Double, controls: String?,
                    mode: Integrator.Mode, out: String) throws {
        let model: Model
        do { model = try Model.load(path) } catch { throw CLIError("\(error)") }
        for warning in model.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        var d = SimData(model: model)
        if let initialState {
            let pose: MotionTable
            do { pose = try MotionTable.read(path: initialState) } catch { throw CLIError("\(error)") }
            guard t0 >= pose.time[0] - 1e-9, t0 <= pose.time[pose.time.count - 1] + 1e-9 else {
                throw CLIError("--t0 \(t0): outside \(initialState)'s times (\(pose.time[0]) to \(pose.time[pose.time.count - 1]) s)")
            }
            // Columns that name no coordinate are skipped, as OpenSim skips them, but not unseen: a misspelling shows.
            let unknown = model.unknownColumns(of: pose)
            if !unknown.isEmpty {
                let list = unknown.prefix(8).joined(separator: ", ") + (unknown.count > 8 ? " and \(unknown.count - 8) more" : "")
                FileHandle.standardError.write(Data("warning: \(initialState): columns that name no coordinate of \(path), skipped: \(list)\n".utf8))
            }
            let matched = model.setState(&d, from: pose, at: t0)
            for name in matched.ignoredLocked {
                FileHandle.standardError.write(Data("warning: \(initialState): coordinate \(name) is locked; it keeps its value\n".utf8))
            }
            if matched.set.isEmpty && matched.ignoredLocked.isEmpty { throw CLIError("\(initialState): no column matches a coordinate of \(path)") }
        }
        // Muscle fibers start in equilibrium with their tendons at the initial pose, as OpenSim's equilibrateMuscles.
        model.equilibrateMuscles(&d)
        // Controls: each column names an actuator; values are held over each 0.01 s output step.
        var controlColumns: [(column: Int, control: Int)] = []
        var controlTable: MotionTable?
        if let controls {
            let table: MotionTable
            do { table = try MotionTable.read(path: controls) } catch { throw CLIError("\(error)") }
            let offsets = model.controlOffsets
            for (j, label) in table.labels.enumerated() {
                guard let f = model.forces.firstIndex(where: { $0.name == label && $0.controlCount > 0 }) else {
                    throw CLIError("\(controls): column '\(label)' names no actuator of \(path)")
                }
                controlColumns.append((j, offsets[f]))
            }
            controlTable = table
        }
        try OutputFolder.prepare(out)
        var integrator = Integrator(model: model, mode: mode)
        let step = 0.01
        let count = Int((duration / step).rounded())
        var times = [0.0], positions = [d.q], speeds = [d.u]
        let figure = StickFigure(model: model)
        model.updateKinematics(&d)
        var frames = [figure.frame(d)], inputs = [controlColumns.map { d.controls[$0.control] }]
        d.time = 0
        let started = Date()
        for i in 1...max(count, 1) {
            if let table = controlTable {
                for c in controlColumns { d.controls[c.control] = table.interpolate(column: c.column, at: t0 + d.time) }
            }
            do { try integrator.advance(model, &d, to: Double(i) * step) } catch {
                try write(model, times, positions, speeds, out)
                try writeReport(model, path, times, positions, inputs, controlTable, controlColumns, figure, frames, out, ending: "stopped: \(error)")
                throw CLIError("simulation stopped at t = \(String(format: "%.3f", d.time)) s: \(error) (states so far written to \(out))")
            }
            times.append(d.time); positions.append(d.q); speeds.append(d.u)
            model.updateKinematics(&d)
            frames.append(figure.frame(d)); inputs.append(controlColumns.map { d.controls[$0.control] })
        }
        let wall = Date().timeIntervalSince(started)
        try write(model, times, positions, speeds, out)
        try writeReport(model, path, times, positions, inputs, controlTable, controlColumns, figure, frames, out,
                        ending: String(format: "%.2f s simulated", duration))
        print("simulated \(String(format: "%.2f", duration)) s of \(model.name) in \(String(format: "%.3f", wall)) s (\(Int(Double(count) / max(wall, 1e-9))) steps of 0.01 s per second); \(integrator.steps) integrator steps")
        print("states: \(URL(fileURLWithPath: out).appendingPathComponent("states.sto").path), report: \(out)/report.html")
    }

    /// report.html: every unlocked coordinate over time, the controls applied and the stick figure.
    private static func writeReport(_ model: Model, _ path: String, _ times: [Double], _ q: [[Double]], _ inputs: [[Double]],
                                    _ table: MotionTable?, _ columns: [(column: Int, control: Int)], _ figure: StickFigure,
                                    _ frames: [[[Double]]], _ out: String, ending: String) throws {
        let curves = model.coordinates.indices.filter { !model.coordinates[$0].locked }.map { c -> ReportData.Curve in
            let rotational = model.coordinates[c].motion == .rotational, k = rotational ? 180 / Double.pi : 1
            return .init(name: model.coordinates[c].name, unit: rotational ? "deg" : "m", simulated: q.map { $0[c] * k }, reference: nil)
        }
        let controls = columns.indices.map { j in
            ReportData.Curve(name: table!.labels[columns[j].column], unit: "", simulated: inputs.map { $0[j] }, reference: nil)
        }
        let data = ReportData(title: "\(model.name): open-loop rollout, \(ending)", subtitle: path, time: times, curves: curves,
                              rewardTerms: [], controls: controls, figure: figure.figure(frames: frames),
                              spatial: model.coordinateIndex("pelvis_tz") != nil)
        do { try HTMLReport.write(data, to: URL(fileURLWithPath: out).appendingPathComponent("report.html")) } catch {
            throw CLIError("\(out)/report.html: \(error.localizedDescription)")
        }
    }

    private static func write(_ model: Model, _ times: [Double], _ q: [[Double]], _ u: [[Double]], _ out: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try model.statesTable(name: "states", time: times, positions: q).write(path: out + "/states.sto")
            try MotionTable(name: "speeds", labels: model.coordinates.map(\.name), time: times, rows: u, inDegrees: false).write(path: out + "/speeds.sto")
        } catch let error as SimError { throw CLIError("\(error)") }
    }
}
