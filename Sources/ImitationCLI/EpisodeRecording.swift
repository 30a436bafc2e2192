import Foundation
import Imitation
import Sim

/// One episode of an imitation environment, sample by sample (the reset state first): what `rollout --env` and
/// `test` write as OpenSim storage files, summarize as metrics and draw in `report.html`.
struct EpisodeRecording {
    let env: ImitationEnvironment
    let figure: StickFigure
    var time: [Double] = [], positions: [[Double]] = [], speeds: [[Double]] = [], reference: [[Double]] = []
    var actions: [[Double]] = [], inputs: [[Double]] = [], terms: [[Double]] = [], frames: [[[Double]]] = []
    var totalReward = 0.0
    var ending = ""
    /// Centre-of-mass x at the start, for the distance travelled.
    let startX: Double

    /// rewards.sto's columns before the foot loads: the reward, then the step fields every consumer shares.
    static let termColumns = ["reward"] + StepInfo.fields.map(\.name)

    init(env: ImitationEnvironment) {
        self.env = env
        figure = StickFigure(model: env.model)
        startX = env.model.centerOfMass(env.data).position.x
        record(action: [Float](repeating: 0, count: env.actionSize), reward: 0)
    }

    var steps: Int { time.count - 1 }

    mutating func record(action: [Float], reward: Double) {
        let d = env.data, f = min(env.frame, env.reference.frameCount - 1)
        time.append(d.time); positions.append(d.q); speeds.append(d.u)
        reference.append(env.reference.positions(at: f))
        actions.append(action.map(Double.init)); inputs.append(env.actuatorInputs())
        let i = env.info
        terms.append([reward] + StepInfo.fields.map(i.value) + i.footLoads)
        frames.append(figure.frame(d))
        if time.count > 1 { totalReward += reward }
    }

    /// Per tracked coordinate: tracking RMSE over the episode (degrees for rotations, metres otherwise).
    func trackingRMSE() -> [(name: String, rmse: Double)] {
        env.trackedCoordinates.map { c in
            let coordinate = env.model.coordinates[c]
            var sum = 0.0
            for k in 1..<time.count { let e = positions[k][c] - reference[k][c]; sum += e * e }
            let rmse = (sum / Double(max(steps, 1))).squareRoot()
            return (coordinate.name, coordinate.motion == .rotational ? rmse * 180 / .pi : rmse)
        }
    }

    /// Mean centre-of-mass position error over the episode (m).
    /// A step field over the episode's steps (the reset sample left out).
    func series(_ field: StepInfo.Field) -> [Double] { terms.dropFirst().map { $0[1 + field.rawValue] } }

    var meanCOMError: Double { series(.comError).reduce(0, +) / Double(max(steps, 1)) }
    /// Distance the centre of mass travelled forward (m).
    var distance: Double { env.model.centerOfMass(env.data).position.x - startX }
    /// Energy (metabolic for muscles, mechanical for torques) per kg of body mass per metre travelled, J/(kg·m).
    var costOfTransport: Double {
        let energy = series(.power).reduce(0, +) * env.reference.step
        return energy / (env.model.totalMass * max(abs(distance), 1e-9))
    }

    /// Writes states.sto, motion.mot (the same coordinates: opens in OpenSim), speeds.sto, reference.sto,
    /// actions.sto, controls.sto (excitations or torques) and rewards.sto into `out`.
    /// `progress`: the run's progress.csv, plotted up to `progressSteps` (the checkpoint's steps) when given.
    func write(to out: String, progress: URL? = nil, progressSteps: Int? = nil) throws {
        let model = env.model
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let states = model.statesTable(name: "states", time: time, positions: positions)
            try states.write(path: out + "/states.sto")
            try model.statesTable(name: "motion", time: time, positions: positions).write(path: out + "/motion.mot")
            try model.statesTable(name: "reference", time: time, positions: reference).write(path: out + "/reference.sto")
            let names = model.coordinates.map(\.name)
            try MotionTable(name: "speeds", labels: names, time: time, rows: speeds, inDegrees: false).write(path: out + "/speeds.sto")
            try MotionTable(name: "actions", labels: env.actionNames, time: time, rows: actions, inDegrees: false).write(path: out + "/actions.sto")
            try MotionTable(name: env.isTorqueDriven ? "torques" : "excitations", labels: env.actionNames, time: time, rows: inputs,
                            inDegrees: false).write(path: out + "/controls.sto")
            var feet: [String] = []
            for f in model.forces where f is HuntCrossleyForce || f is SmoothSphereHalfSpaceForce {
                feet += ["fx", "fy", "fz", "mx", "my", "mz"].map { "\(f.name)_\($0)" }
            }
            try MotionTable(name: "rewards", labels: Self.termColumns + feet, time: time, rows: terms, inDegrees: false).write(path: out + "/rewards.sto")
            var data = report()
            if let progress { (data.learningSteps, data.learning) = Self.learningCurves(progress, upTo: progressSteps) }
            try HTMLReport.write(data, to: URL(fileURLWithPath: out).appendingPathComponent("report.html"))
        } catch let e as SimError { throw CLIError("\(e)") }
    }

    /// Episode return and length, falls, tracking error and imitation term per progress.csv row; empty when the file
    /// is missing or unreadable (the report is still written). Rows past `upTo` environment steps are left out, so an
    /// earlier checkpoint's report does not show the training that came after it.
    static func learningCurves(_ csv: URL, upTo last: Int? = nil) -> ([Double], [ReportData.Curve]) {
        guard let text = try? String(contentsOf: csv, encoding: .utf8) else { return ([], []) }
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first, lines.count > 1 else { return ([], []) }
        let stepColumn = header.firstIndex(of: "env_steps")
        let rows = lines.dropFirst().filter { row in
            guard row.count == header.count else { return false }
            guard let last, let j = stepColumn, let steps = Int(row[j]) else { return true }
            return steps <= last
        }
        func column(_ name: String) -> [Double]? {
            header.firstIndex(of: name).map { j in rows.map { Double($0[j]) ?? .nan } }
        }
        guard let steps = column("env_steps") else { return ([], []) }
        let wanted = [("episode_return_mean", ""), ("episode_length_mean", "steps"), ("reward/joint_rmse_deg", "deg"), ("reward/imitation", "")]
        let curves = wanted.compactMap { name, unit in column(name).map { ReportData.Curve(name: name, unit: unit, simulated: $0, reference: nil) } }
        return (steps, curves)
    }

    /// Every tracked coordinate against its reference, the reward terms, the controls and the stick figure.
    func report() -> ReportData {
        let model = env.model
        let curves = env.trackedCoordinates.map { c -> ReportData.Curve in
            let rotational = model.coordinates[c].motion == .rotational, k = rotational ? 180 / Double.pi : 1
            return .init(name: model.coordinates[c].name, unit: rotational ? "deg" : "m",
                         simulated: positions.map { $0[c] * k }, reference: reference.map { $0[c] * k })
        }
        // The reset sample has no step behind it: left out of the plot.
        let rewards = [ReportData.Curve(name: "reward", unit: "", simulated: [.nan] + terms.dropFirst().map { $0[0] }, reference: nil)]
            + [StepInfo.Field.imitation, .effort, .smoothness, .jointRMSEDegrees].map { f in
                ReportData.Curve(name: f.name, unit: f == .jointRMSEDegrees ? "deg" : "", simulated: [.nan] + series(f), reference: nil)
            }
        let controls = env.actionNames.indices.map { a in
            ReportData.Curve(name: env.actionNames[a], unit: env.isTorqueDriven ? "N·m" : "excitation", simulated: inputs.map { $0[a] }, reference: nil)
        }
        let title = String(format: "%@: %d steps (%.2f s), return %.2f; %@", env.task.id, steps, Double(steps) * env.reference.step, totalReward, ending)
        return ReportData(title: title, subtitle: env.task.summary, time: time, curves: curves, rewardTerms: rewards, controls: controls,
                          figure: figure.figure(frames: frames), spatial: env.model.coordinateIndex("pelvis_tz") != nil)
    }
}
