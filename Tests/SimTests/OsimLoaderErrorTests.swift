import Foundation
import XCTest
@testable import Sim

final class OsimLoaderErrorTests: XCTestCase {
    private func load(_ xml: String) -> String? {
        do { _ = try OsimLoader.load(data: Data(xml.utf8), source: "bad.osim"); return nil } catch { return "\(error)" }
    }

    func testMalformedAndUnsupportedFilesNameTheFileAndElement() {
        let truncated = load("<OpenSimDocument><Model><BodySet>")
        XCTAssertTrue(truncated?.hasPrefix("bad.osim: malformed XML") == true, truncated ?? "loaded")
        XCTAssertTrue(load("<Other/>")?.contains("not an OpenSim model") == true)
        let body = { (joint: String) in """
            <OpenSimDocument Version="30000"><Model name="m"><BodySet><objects>
            <Body name="ground"><mass>0</mass></Body>
            <Body name="link"><mass>1</mass><mass_center>0 0 0</mass_center><inertia_xx>1</inertia_xx><inertia_yy>1</inertia_yy><inertia_zz>1</inertia_zz>
            <Joint>\(joint)</Joint></Body></objects></BodySet></Model></OpenSimDocument>
            """ }
        let unsupported = load(body("<EllipsoidJoint name=\"e\"><parent_body>ground</parent_body></EllipsoidJoint>"))
        XCTAssertTrue(unsupported?.contains("<EllipsoidJoint name=\"e\">") == true && unsupported?.contains("not supported") == true, unsupported ?? "")
        let badParent = load(body("<PinJoint name=\"p\"><parent_body>nowhere</parent_body><CoordinateSet><objects><Coordinate name=\"a\"><range>-1 1</range></Coordinate></objects></CoordinateSet></PinJoint>"))
        XCTAssertTrue(badParent?.contains("bad.osim") == true && badParent?.contains("link") == true, badParent ?? "")
        let badNumber = load(body("<PinJoint name=\"p\"><parent_body>ground</parent_body><location_in_parent>0 x 0</location_in_parent><CoordinateSet><objects><Coordinate name=\"a\"><range>-1 1</range></Coordinate></objects></CoordinateSet></PinJoint>"))
        XCTAssertTrue(badNumber?.contains("<location_in_parent>") == true && badNumber?.contains("0 x 0") == true, badNumber ?? "")
        // A well-formed pin joint loads.
        XCTAssertNil(load(body("<PinJoint name=\"p\"><parent_body>ground</parent_body><CoordinateSet><objects><Coordinate name=\"a\"><range>-1 1</range></Coordinate></objects></CoordinateSet></PinJoint>")))
    }

    /// Impossible values in an otherwise valid shared model (edited at test time): one line naming the element or
    /// property, where they used to load and simulate garbage.
    func testImpossibleModelValuesAreRefusedNamingTheProperty() throws {
        let path = ReferenceTable.models.appendingPathComponent("gait10dof18musc.osim").path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "shared data not present")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        func edited(_ old: String, _ new: String) -> String? {
            guard let range = text.range(of: old) else { XCTFail("\(old) not in the file"); return nil }
            return load(text.replacingCharacters(in: range, with: new))
        }
        let cases: [(String, String, String)] = [
            ("<optimal_fiber_length>", "<optimal_fiber_length>-", "optimal_fiber_length"),
            ("<max_isometric_force>", "<max_isometric_force>-", "max_isometric_force"),
            ("<tendon_slack_length>0.32600000000000001", "<tendon_slack_length>0", "tendon_slack_length"),
            ("<inertia>", "<inertia>-", "inertia"),
            ("<gravity>0 -9.8066499999999994 0</gravity>", "<gravity>0 nan 0</gravity>", "gravity"),
            ("Version=\"40000\"", "Version=\"99999\"", "99999"),
            ("<range>-1.5707963300000001 1.5707963300000001</range>", "<range>1.5707963300000001 -1.5707963300000001</range>", "range"),
        ]
        for (old, new, word) in cases {
            guard let message = edited(old, new) else { XCTFail("\(new): loaded"); continue }
            XCTAssertTrue(message.contains(word) && !message.contains("\n"), "\(new): \(message)")
        }
        // Two bodies of one name (a copied <Body> block) no longer crash.
        let body = text.range(of: "<Body name=\"pelvis\">")!
        let end = text.range(of: "</Body>", range: body.upperBound..<text.endIndex)!
        let copy = String(text[body.lowerBound..<end.upperBound])
        let twice = load(text.replacingCharacters(in: body.lowerBound..<end.upperBound, with: copy + copy))
        XCTAssertTrue(twice?.contains("a second body named 'pelvis'") == true, twice ?? "loaded")
    }

    func testSharedModelsLoadCompletelyWithoutWarnings() throws {
        for (stem, muscles) in [("gait0914_2d", 14), ("gait1422_3d", 22), ("gait10dof18musc", 18)] {
            let model = try ReferenceTable.model(stem)
            XCTAssertEqual(model.warnings, [], stem)
            XCTAssertEqual(model.muscles.count, muscles, stem)
        }
        XCTAssertEqual(try ReferenceTable.model("gait0914_2d").forces.count, 18)  // 14 muscles, 2 Hunt–Crossley, 2 knee limits
    }

    /// A force listed among the model's own `<components>` (as OpenSim's addComponent writes it) is simulated like
    /// the same force in the ForceSet; an unknown force type there is refused, not silently left out.
    func testForcesAmongTheModelsComponentsAreReadOrRefused() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/models/gait0914_2d.osim")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw XCTSkip("shared data not present") }
        let start = try XCTUnwrap(text.range(of: "<CoordinateLimitForce"))
        let end = try XCTUnwrap(text.range(of: "</CoordinateLimitForce>", range: start.upperBound..<text.endIndex))
        let block = String(text[start.lowerBound..<end.upperBound])
        let modelTag = try XCTUnwrap(text.range(of: "<Model "))
        let modelOpen = try XCTUnwrap(text.range(of: ">", range: modelTag.upperBound..<text.endIndex))
        func moved(_ component: String) -> String {
            var t = text
            t.removeSubrange(start.lowerBound..<end.upperBound)
            t.insert(contentsOf: "<components>\(component)</components>", at: t.index(modelOpen.upperBound, offsetBy: 0))
            return t
        }
        let original = try OsimLoader.load(data: Data(text.utf8), source: "ForceSet.osim")
        let relocated = try OsimLoader.load(data: Data(moved(block).utf8), source: "components.osim")
        XCTAssertEqual(Set(original.forces.map(\.name)), Set(relocated.forces.map(\.name)))
        var a = SimData(model: original), b = SimData(model: relocated)
        let knee = try XCTUnwrap(original.coordinates.firstIndex { $0.name == "knee_angle_r" })
        a.q[knee] = 0.3; b.q[knee] = 0.3  // past the knee's limit, so the limit force acts
        var ra = [Double](repeating: 0, count: original.stateCount), rb = ra
        try original.computeAccelerations(&a, stateRates: &ra)
        try relocated.computeAccelerations(&b, stateRates: &rb)
        XCTAssertEqual(Array(a.udot), Array(b.udot))
        let unknown = block.replacingOccurrences(of: "CoordinateLimitForce", with: "ExpressionBasedCoordinateForce")
        XCTAssertThrowsError(try OsimLoader.load(data: Data(moved(unknown).utf8), source: "components.osim")) {
            XCTAssertTrue("\($0)".contains("ExpressionBasedCoordinateForce") && "\($0)".contains("not supported"), "\($0)")
        }
    }

    /// A disabled PathSpring applies no force, as every other disabled force; a NaN in one is refused naming the element and line.
    func testDisabledPathSpringsAreLeftOutAndNaNIsRefused() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/models/opensim-models/Gait10dof18musc/subject01_metabolics_path_spring.osim")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw XCTSkip("shared data not present") }
        let open = "<PathSpring name=\"BiarticularSpringDamper\">"
        XCTAssertTrue(try OsimLoader.load(data: Data(text.utf8), source: "s.osim").forces.contains { $0.name == "BiarticularSpringDamper" })
        let disabled = text.replacingOccurrences(of: open, with: open + "<appliesForce>false</appliesForce>")
        XCTAssertFalse(try OsimLoader.load(data: Data(disabled.utf8), source: "s.osim").forces.contains { $0.name == "BiarticularSpringDamper" })
        let start = try XCTUnwrap(text.range(of: open))
        let stiffness = try XCTUnwrap(text.range(of: #"<stiffness>[^<]*</stiffness>"#, options: .regularExpression, range: start.upperBound..<text.endIndex))
        let bad = text.replacingCharacters(in: stiffness, with: "<stiffness>nan</stiffness>")
        XCTAssertThrowsError(try OsimLoader.load(data: Data(bad.utf8), source: "s.osim")) {
            XCTAssertTrue("\($0)".contains("<stiffness> (line") && "\($0)".contains("nan"), "\($0)")
        }
    }
}
