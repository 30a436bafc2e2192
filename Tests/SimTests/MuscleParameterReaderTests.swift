import Foundation
import XCTest
@testable import Sim

final class MuscleParameterReaderTests: XCTestCase {
    func testReadsAllThreeSharedModels() throws {
        let expect: [(String, Int, MuscleClass, Int, Int)] = [
            ("gait0914_2d", 14, .millard2012, 6, 2),
            ("gait1422_3d", 22, .thelen2003, 10, 4),
            ("gait10dof18musc", 18, .millard2012, 8, 4),
        ]
        for (tag, n, cls, nCond, nMoving) in expect {
            let r = try MuscleParameterReader.read(osimPath: MuscleTestSupport.modelPath(tag))
            XCTAssertEqual(r.muscles.count, n, tag)
            XCTAssertTrue(r.muscles.allSatisfy { $0.muscleClass == cls }, tag)
            XCTAssertTrue(r.warnings.isEmpty, "\(tag): \(r.warnings)")
            let points = r.muscles.flatMap { $0.path }
            XCTAssertTrue(points.allSatisfy { !$0.body.isEmpty }, tag)
            let cond = points.filter { if case .conditional = $0.kind { return true } else { return false } }
            let moving = points.filter { if case .moving = $0.kind { return true } else { return false } }
            XCTAssertEqual(cond.count, nCond, tag)
            XCTAssertEqual(moving.count, nMoving, tag)
            XCTAssertTrue(r.muscles.allSatisfy { $0.path.count >= 2 }, tag)
        }
    }

    func testPropertiesAndDefaultsOfBothFileGenerations() throws {
        // Format 40000: socket paths, explicit Millard curve objects.
        let m4 = try MuscleParameterReader.read(osimPath: MuscleTestSupport.modelPath("gait10dof18musc")).muscles
        let ham = try XCTUnwrap(m4.first { $0.name == "hamstrings_r" })
        XCTAssertEqual(ham.maxIsometricForce, 2700)
        XCTAssertEqual(ham.optimalFiberLength, 0.109)
        XCTAssertEqual(ham.tendonSlackLength, 0.326, accuracy: 1e-15)
        XCTAssertEqual(ham.minimumActivation, 0.01)
        XCTAssertEqual(ham.millard?.curves.activeMinimumValue, 0)           // set in the file
        XCTAssertEqual(try XCTUnwrap(ham.millard).curves.maxEccentricVelocityForceMultiplier, 1.4, accuracy: 1e-15)
        XCTAssertEqual(ham.millard?.fiberDamping, 0.1)                    // OpenSim default (absent)
        XCTAssertEqual(ham.path.first?.body, "pelvis")
        let bifemsh = try XCTUnwrap(m4.first { $0.name == "bifemsh_r" })
        XCTAssertEqual(bifemsh.pennationAngleAtOptimal, 0.40142573, accuracy: 1e-12)
        let rf = try XCTUnwrap(m4.first { $0.name == "rect_fem_r" })
        guard case let .moving(x, xc, _, yc, z, _)? = rf.path.first(where: { $0.name == "rect_fem_r-P3" })?.kind,
              case let .simmSpline(xs, ys)? = x, case let .simmSpline(zx, _)? = z else {
            return XCTFail("rect_fem_r-P3 should be a MovingPathPoint with SimmSplines")
        }
        XCTAssertEqual(xc, "knee_angle_r"); XCTAssertEqual(yc, "knee_angle_r")
        XCTAssertEqual(xs.count, 17); XCTAssertEqual(ys.count, 17); XCTAssertEqual(zx.count, 2)
        guard case let .conditional(coord, range)? = rf.path.first(where: { $0.name == "rect_fem_r-P2" })?.kind else {
            return XCTFail("rect_fem_r-P2 should be conditional")
        }
        XCTAssertEqual(coord, "knee_angle_r")
        XCTAssertEqual(range.lowerBound, -2.61799, accuracy: 1e-12)

        // Format 30000: <body> and <coordinate> elements, Thelen properties partly absent.
        let m3 = try MuscleParameterReader.read(osimPath: MuscleTestSupport.modelPath("gait1422_3d")).muscles
        let abd = try XCTUnwrap(m3.first { $0.name == "abd_r" })
        XCTAssertEqual(abd.thelen?.fmaxTendonStrain, 0.049)
        XCTAssertEqual(abd.thelen?.kShapeActive, 0.45)   // Thelen2003Muscle default
        XCTAssertEqual(abd.thelen?.flen, 1.4)
        XCTAssertEqual(abd.maxContractionVelocity, 15)
        XCTAssertEqual(abd.path.map(\.body), ["pelvis", "femur_r"])
        let cond3 = m3.flatMap(\.path).compactMap { p -> String? in
            if case let .conditional(c, _) = p.kind { return c } else { return nil }
        }
        XCTAssertFalse(cond3.contains(""))
    }

    func testWrapSurfacesAreNamed() throws {
        let xml = """
        <OpenSimDocument Version="40000"><Model><ForceSet><objects>
        <Thelen2003Muscle name="m1"><GeometryPath><PathPointSet><objects>
        <PathPoint name="p1"><socket_parent_frame>/bodyset/a</socket_parent_frame><location>0 0 0</location></PathPoint>
        <PathPoint name="p2"><socket_parent_frame>/bodyset/b</socket_parent_frame><location>0 1 0</location></PathPoint>
        </objects></PathPointSet><PathWrapSet><objects><PathWrap name="w"><wrap_object>knee_cyl</wrap_object></PathWrap></objects></PathWrapSet>
        </GeometryPath><max_isometric_force>500</max_isometric_force></Thelen2003Muscle>
        </objects></ForceSet></Model></OpenSimDocument>
        """
        let warned = try MuscleParameterReader.read(data: Data(xml.utf8), source: "t.osim")
        XCTAssertEqual(warned.muscles.first?.maxIsometricForce, 500)
        XCTAssertEqual(warned.warnings.count, 1)
        XCTAssertTrue(warned.warnings[0].contains("m1") && warned.warnings[0].contains("PathWrap"))
        XCTAssertThrowsError(try MuscleParameterReader.read(data: Data(xml.utf8), source: "t.osim", wrapping: .error)) { e in
            XCTAssertTrue("\(e)".contains("t.osim") && "\(e)".contains("m1"), "\(e)")
        }
        let bad = xml.replacingOccurrences(of: "<max_isometric_force>500", with: "<max_isometric_force>abc")
        XCTAssertThrowsError(try MuscleParameterReader.read(data: Data(bad.utf8), source: "t.osim")) { e in
            XCTAssertTrue("\(e)".contains("max_isometric_force"), "\(e)")
        }
    }
}
