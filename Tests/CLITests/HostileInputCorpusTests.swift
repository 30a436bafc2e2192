import Foundation
import RL
import XCTest

/// Bad inputs through the binary, as a hostile tester would give them: a corpus generated at test time from the shared
/// files (read where they are, edited copies in a scratch folder). Every case must end, within its timeout, with a
/// non-zero exit status (not a signal), one `Error:` line on stderr naming what is wrong, and nothing written outside
/// the output folder the case names.
final class HostileInputCorpusTests: XCTestCase {
    struct Case { let name: String; let arguments: [String]; let words: [String] }

    static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data")

    /// Runs the binary in `folder` with a timeout; nil status when it had to be killed.
    private func run(_ arguments: [String], in folder: URL, timeout: TimeInterval = 30) throws -> (status: Int32?, signaled: Bool, err: String) {
        let process = Process()
        process.executableURL = bioimitateBinary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice; process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate(); process.waitUntilExit(); return (nil, false, "") }
        let e = err.fileHandleForReading.readDataToEndOfFile()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal, String(decoding: e, as: UTF8.self))
    }

    func testEveryCorpusCaseEndsWithOneErrorLineAndWritesNothingElse() throws {
        let model2D = Self.shared.appendingPathComponent("models/gait10dof18musc.osim")
        let model3D = Self.shared.appendingPathComponent("models/gait1422_3d.osim")
        let motion = Self.shared.appendingPathComponent("motions/subject01_walk_IK.mot")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: model2D.path), "shared data not present")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bioimitate-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var cases: [Case] = []
        var files: [String: String] = [:]  // file name -> text, written into each case's folder
        var checkpoints: [URL] = []  // folders copied into each case's folder

        // Models: every numeric property made not-a-number or non-finite, in a 4.x and a 3.x model; structural damage.
        let text2D = try String(contentsOf: model2D, encoding: .utf8), text3D = try String(contentsOf: model3D, encoding: .utf8)
        /// The text with the first `tag` that the model uses (past ground's body, outside comments) set to `value`.
        func edit(_ text: String, _ tag: String, _ value: String) -> String? {
            var from = text.range(of: "<Body name=\"pelvis\"")?.lowerBound ?? text.startIndex
            if ["gravity", "range", "default_value"].contains(tag) { from = text.startIndex }
            while let open = text.range(of: "<\(tag)>", range: from..<text.endIndex) {
                from = open.upperBound
                let before = text[text.startIndex..<open.lowerBound]
                if let comment = before.range(of: "<!--", options: .backwards), before.range(of: "-->", options: .backwards).map({ $0.lowerBound < comment.lowerBound }) ?? true {
                    continue  // inside a comment: not part of the model
                }
                guard let close = text.range(of: "</\(tag)>", range: open.upperBound..<text.endIndex) else { return nil }
                return text.replacingCharacters(in: open.upperBound..<close.lowerBound, with: value)
            }
            return nil
        }
        let tags = ["mass", "mass_center", "inertia", "translation", "orientation", "range", "default_value", "max_isometric_force",
                    "optimal_fiber_length", "tendon_slack_length", "pennation_angle_at_optimal", "max_contraction_velocity",
                    "location", "coefficients", "x", "y", "gravity", "activation_time_constant", "axis", "inertia_xx",
                    "location_in_parent", "stiffness", "radius", "upper_limit", "FmaxTendonStrain"]
        for (label, text) in [("4x", text2D), ("3x", text3D)] {
            for tag in tags {
                for (valueName, value) in [("nan", "nan nan nan"), ("word", "abc")] {
                    guard let bad = edit(text, tag, value) else { continue }
                    let name = "model-\(label)-\(tag)-\(valueName).osim"
                    files[name] = bad
                    cases.append(Case(name: name, arguments: ["rollout", "--model", name, "--duration", "0.02", "--out", "out"], words: [name]))
                }
            }
        }
        let pelvis = text2D.range(of: "<Body name=\"pelvis\">")!
        let pelvisEnd = text2D.range(of: "</Body>", range: pelvis.upperBound..<text2D.endIndex)!
        let twoPelvises = text2D.replacingCharacters(in: pelvis.lowerBound..<pelvisEnd.upperBound,
                                                     with: String(text2D[pelvis.lowerBound..<pelvisEnd.upperBound]) + String(text2D[pelvis.lowerBound..<pelvisEnd.upperBound]))
        for (name, text) in [("empty.osim", ""), ("not-xml.osim", "hello"), ("truncated.osim", String(text2D.prefix(text2D.count / 2))),
                             ("other-root.osim", "<Other/>"), ("newer.osim", text2D.replacingOccurrences(of: "Version=\"40000\"", with: "Version=\"99999\"")),
                             ("negative-mass.osim", edit(text2D, "mass", "-3")!), ("zero-fiber.osim", edit(text2D, "optimal_fiber_length", "0")!),
                             ("swapped-range.osim", edit(text2D, "range", "1 -1")!), ("two-pelvises.osim", twoPelvises)] {
            files[name] = text
            cases.append(Case(name: name, arguments: ["rollout", "--model", name, "--duration", "0.02", "--out", "out"], words: [name]))
        }

        // Motions, as an initial state and as a reference to imitate.
        let motionText = try String(contentsOf: motion, encoding: .utf8)
        let lines = motionText.components(separatedBy: "\n")
        let firstData = lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("0.0") }!
        func cell(_ value: String) -> String {
            var l = lines; var cells = l[firstData + 3].split(separator: "\t").map(String.init)
            cells[3] = value; l[firstData + 3] = cells.joined(separator: "\t"); return l.joined(separator: "\n")
        }
        var shorter = lines; shorter[firstData + 2] = shorter[firstData + 2].split(separator: "\t").dropLast().joined(separator: "\t")
        var backwards = lines; backwards.swapAt(firstData + 2, firstData + 5)
        let badMotions: [(String, String)] = [
            ("nan.mot", cell("nan")), ("inf.mot", cell("inf")), ("word.mot", cell("abc")),
            ("no-endheader.mot", motionText.replacingOccurrences(of: "endheader", with: "")),
            ("short-row.mot", shorter.joined(separator: "\n")), ("backwards.mot", backwards.joined(separator: "\n")),
            ("maybe-degrees.mot", motionText.replacingOccurrences(of: "inDegrees=yes", with: "inDegrees=maybe")),
            ("no-rows.mot", lines.prefix(firstData).joined(separator: "\n")), ("empty.mot", ""),
            ("no-time.mot", motionText.replacingOccurrences(of: "time\t", with: "clock\t")),
        ]
        for (name, text) in badMotions {
            files[name] = text
            cases.append(Case(name: "initial-\(name)", arguments: ["rollout", "--model", "gait2d", "--initial-state", name, "--duration", "0.02", "--out", "out"], words: [name]))
            cases.append(Case(name: "reference-\(name)", arguments: ["rollout", "--env", "MuscleWalkingImitation2D-v0", "--reference", name, "--steps", "3", "--out", "out"], words: [name]))
        }
        for (name, value) in [("nan-controls.sto", "nan"), ("inf-controls.sto", "inf"), ("word-controls.sto", "high")] {  // open-loop controls
            files[name] = "controls\nversion=1\nnRows=2\nnColumns=2\ninDegrees=no\nendheader\ntime\tglut_max_r\n0\t0.5\n0.1\t\(value)\n"
            cases.append(Case(name: name, arguments: ["rollout", "--model", "gait2d", "--controls", name, "--duration", "0.02", "--out", "out"], words: [name]))
        }
        files["3d-motion-lacks.mot"] = motionText  // a 2D motion on a 3D model
        cases.append(Case(name: "2d-on-3d", arguments: ["rollout", "--env", "MuscleWalkingImitation3D-v0", "--reference", "3d-motion-lacks.mot", "--steps", "3", "--out", "out"], words: ["no column for"]))

        // Configurations.
        let configs: [(String, String, String)] = [
            ("not-json.json", "{", "not valid JSON"), ("array.json", "[1, 2]", "top level"), ("unknown-key.json", #"{"lerning_rate": 0.1}"#, "unknown key"),
            ("wrong-type.json", #"{"seed": "one"}"#, "seed"), ("twice.json", #"{"seed": 1, "seed": 2}"#, "more than once"),
            ("zero-envs.json", #"{"num_envs": 0}"#, "num_envs"), ("many-envs.json", #"{"num_envs": 100000}"#, "num_envs"),
            ("fractional.json", #"{"seed": 1.5}"#, "seed"), ("empty.json", "", "JSON"),
        ]
        for (name, text, word) in configs {
            files[name] = text
            cases.append(Case(name: "train-\(name)", arguments: ["train", "--env", "Pendulum-v1", "--config", name, "--steps", "10", "--out", "out"], words: [word]))
        }
        for (name, text, word) in [("env-unknown.json", #"{"integrater": "stiff"}"#, "unknown key"), ("env-bad.json", "{", "not valid JSON")] {
            files[name] = text
            cases.append(Case(name: "rollout-\(name)", arguments: ["rollout", "--env", "MuscleWalkingImitation2D-v0", "--env-config", name, "--steps", "3", "--out", "out"], words: [word]))
        }

        // Checkpoints: a real one from a short Pendulum run, then damaged copies, tested and resumed.
        let seed = root.appendingPathComponent("seed")
        try FileManager.default.createDirectory(at: seed, withIntermediateDirectories: true)
        try #"{"hidden": [8], "train_batch_size": 200, "sgd_minibatch_size": 100, "num_sgd_iter": 1}"#.write(to: seed.appendingPathComponent("c.json"), atomically: true, encoding: .utf8)
        let made = try runBioimitate(["train", "--env", "Pendulum-v1", "--config", seed.appendingPathComponent("c.json").path, "--steps", "200", "--out", seed.path])
        XCTAssertEqual(made.status, 0, made.err)
        let good = try Checkpoint.resolve(seed.appendingPathComponent(try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: seed.path).first { $0.hasPrefix("Pendulum") })).path)
        let weights = try Data(contentsOf: good.appendingPathComponent(Checkpoint.modelFile))
        let metaText = try String(contentsOf: good.appendingPathComponent(Checkpoint.metaFile), encoding: .utf8)
        let header = 8 + Int(weights.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        func poisoned(_ bits: UInt32) -> Data { var d = weights; withUnsafeBytes(of: bits.littleEndian) { d.replaceSubrange(header..<header + 4, with: $0) }; return d }
        let damaged: [(String, Data?, String?)] = [  // name, model.safetensors, meta.json (nil: the good one)
            ("ck-nan-weight", poisoned(0x7FC0_0000), nil), ("ck-inf-weight", poisoned(0x7F80_0000), nil),
            ("ck-truncated", weights.prefix(weights.count / 2), nil), ("ck-no-header", Data("{".utf8), nil),
            ("ck-negative-variance", nil, metaText.replacingOccurrences(of: #""m2" : ["#, with: #""m2" : [-1,"#)),
            ("ck-short-filter", nil, metaText.replacingOccurrences(of: #""mean" : ["#, with: #""mean" : [0,"#)),
            ("ck-unknown-algo", nil, metaText.replacingOccurrences(of: #""algo" : "ppo""#, with: #""algo" : "xyz""#)),
            ("ck-wider", nil, metaText.replacingOccurrences(of: #""hidden" : ["#, with: #""hidden" : [9,"#)),
        ]
        for (name, model, meta) in damaged {
            XCTAssertTrue(meta.map { $0 != metaText } ?? true, "\(name): the edit did not apply")
            let folder = root.appendingPathComponent("checkpoints/\(name)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for file in [Checkpoint.modelFile, Checkpoint.optimizerFile, Checkpoint.metaFile] {
                try FileManager.default.copyItem(at: good.appendingPathComponent(file), to: folder.appendingPathComponent(file))
            }
            if let model { try model.write(to: folder.appendingPathComponent(Checkpoint.modelFile)) }
            if let meta { try meta.write(to: folder.appendingPathComponent(Checkpoint.metaFile), atomically: true, encoding: .utf8) }
            checkpoints.append(folder)
            cases.append(Case(name: "test-\(name)", arguments: ["test", "--checkpoint", name, "--episodes", "1", "--out", "out"], words: [name]))
            cases.append(Case(name: "resume-\(name)", arguments: ["train", "--resume", name, "--steps", "400", "--out", "out"], words: [name]))
        }

        // A good checkpoint with options that --resume refuses, and output folders that are files.
        let kept = root.appendingPathComponent("checkpoints/ck-good")
        try FileManager.default.copyItem(at: good, to: kept)
        checkpoints.append(kept)
        for option in [["--algo", "sac"], ["--env", "Pendulum-v1"], ["--seed", "3"], ["--config", "c.json"]] {
            cases.append(Case(name: "resume \(option[0])", arguments: ["train", "--resume", "ck-good"] + option + ["--out", "out"], words: [option[0]]))
        }
        files["c.json"] = "{}"
        files["good.mot"] = motionText
        for arguments in [["train", "--env", "Pendulum-v1", "--steps", "10", "--out", "good.mot"], ["test", "--checkpoint", "ck-good", "--out", "good.mot"],
                          ["rollout", "--env", "MuscleWalkingImitation2D-v0", "--steps", "3", "--out", "good.mot"]] {
            cases.append(Case(name: "\(arguments[0]) --out a file", arguments: arguments, words: ["good.mot", "is a file"]))
        }
        for t0 in ["--t0=99", "--t0=-1"] {
            cases.append(Case(name: t0, arguments: ["rollout", "--model", "gait2d", "--initial-state", "good.mot", t0, "--duration", "0.02", "--out", "out"], words: ["--t0"]))
        }

        // A model of over 10 MB (2,000 welded bodies, each with a long comment): an error in its last body is named
        // as that error, not as malformed XML at the end of the file, and the same model without it loads and runs.
        func huge(lastMass: String) -> String {
            let bodies = (0..<2000).map { k in
                "<Body name=\"extra_\(k)\"><!--\(String(repeating: "padding ", count: 640))--><mass>\(k == 1999 ? lastMass : "0.001")</mass>"
                    + "<mass_center>0 0 0</mass_center><inertia>1e-6 1e-6 1e-6 0 0 0</inertia></Body>"
            }.joined(separator: "\n")
            let welds = (0..<2000).map { k in
                "<WeldJoint name=\"weld_\(k)\"><socket_parent_frame>p\(k)</socket_parent_frame><socket_child_frame>c\(k)</socket_child_frame><frames>"
                    + "<PhysicalOffsetFrame name=\"p\(k)\"><socket_parent>/bodyset/pelvis</socket_parent></PhysicalOffsetFrame>"
                    + "<PhysicalOffsetFrame name=\"c\(k)\"><socket_parent>/bodyset/extra_\(k)</socket_parent></PhysicalOffsetFrame></frames></WeldJoint>"
            }.joined(separator: "\n")
            var t = text2D
            let bodySet = t.range(of: "<BodySet")!, bodyEnd = t.range(of: "</objects>", range: bodySet.upperBound..<t.endIndex)!
            t.insert(contentsOf: bodies, at: bodyEnd.lowerBound)
            let jointSet = t.range(of: "<JointSet")!, jointEnd = t.range(of: "</objects>", range: jointSet.upperBound..<t.endIndex)!
            t.insert(contentsOf: welds, at: jointEnd.lowerBound)
            return t
        }
        let hugeBad = root.appendingPathComponent("huge-nan.osim"), hugeGood = root.appendingPathComponent("huge.osim")
        try huge(lastMass: "nan").write(to: hugeBad, atomically: true, encoding: .utf8)
        try huge(lastMass: "0.001").write(to: hugeGood, atomically: true, encoding: .utf8)
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: hugeGood.path)[.size] as? Int ?? 0, 10_000_000)
        cases.append(Case(name: "huge-nan.osim", arguments: ["rollout", "--model", hugeBad.path, "--duration", "0.02", "--out", "out"], words: ["huge-nan.osim", "<mass>"]))
        let runsHuge = try run(["rollout", "--model", hugeGood.path, "--duration", "0.02", "--out", "out"], in: root, timeout: 120)
        XCTAssertEqual(runsHuge.status, 0, "a valid 10 MB model must load and run: \(runsHuge.err)")

        // Names, numbers and missing things on the command line.
        let commandLines: [([String], String)] = [
            (["train", "--env", "MuscleFlying2D-v0", "--out", "out"], "unknown environment"),
            (["rollout", "--env", "MuscleFlying2D-v0", "--out", "out"], "MuscleFlying2D-v0"),
            (["test", "--checkpoint", "nowhere"], "nowhere"),
            (["rollout", "--model", "nowhere.osim", "--duration", "0.02", "--out", "out"], "nowhere.osim"),
            (["rollout", "--model", "gait2d", "--initial-state", "nowhere.mot", "--duration", "0.02", "--out", "out"], "nowhere.mot"),
            (["make-reference", "--motion", "nan.mot", "--model", "gait2d", "--name", "x", "--out", "out.json"], "nan.mot"),
            (["make-reference", "--motion", "word.mot", "--model", "gait2d", "--name", "x", "--harmonics", "0", "--out", "out.json"], "--harmonics"),
            (["make-reference", "--motion", "word.mot", "--model", "gait2d", "--name", "x", "--harmonics=-2", "--out", "out.json"], "--harmonics"),
            (["bench-env", "--steps", "0"], "--steps"),
            (["train", "--env", "Pendulum-v1", "--steps", "0", "--out", "out"], "--steps"),
        ]
        for (arguments, word) in commandLines { cases.append(Case(name: arguments.prefix(3).joined(separator: " "), arguments: arguments, words: [word])) }

        XCTAssertGreaterThanOrEqual(cases.count, 100, "the corpus holds \(cases.count) cases")
        var failures = 0
        for c in cases {
            let folder = root.appendingPathComponent(UUID().uuidString)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
            for checkpoint in checkpoints { try FileManager.default.copyItem(at: checkpoint, to: folder.appendingPathComponent(checkpoint.lastPathComponent)) }
            let r = try run(c.arguments, in: folder)
            let errorLines = r.err.split(separator: "\n").filter { !$0.hasPrefix("warning:") && !$0.hasPrefix("Usage:") && !$0.hasPrefix("  See ") }
            let written = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { files[$0] == nil && !checkpoints.map(\.lastPathComponent).contains($0) && $0 != "out" && $0 != "out.json" }
            let ok = r.status != nil && r.status != 0 && !r.signaled && errorLines.count == 1 && c.words.allSatisfy { r.err.contains($0) } && written.isEmpty
            if !ok {
                failures += 1
                XCTFail("\(c.name): status \(r.status.map(String.init) ?? "timed out")\(r.signaled ? " (signal)" : ""), written \(written), stderr: \(r.err)")
            }
            try? FileManager.default.removeItem(at: folder)
        }
        print("hostile-input corpus: \(cases.count) cases, \(cases.count - failures) passed")
    }
}
