import Foundation
import XCTest
@testable import ImitationCLI

final class HTMLReportTests: XCTestCase {
    func testReportIsSelfContainedAndCarriesTheData() throws {
        let t = (0..<5).map { Double($0) * 0.01 }
        let data = ReportData(
            title: "knee </script> test",
            time: t,
            curves: [.init(name: "knee_angle_r", unit: "deg", simulated: t.map { $0 * 10 }, reference: t.map { $0 * 11 })],
            rewardTerms: [.init(name: "imitation", unit: "", simulated: [1, 0.9, .nan, 0.8, 0.7], reference: nil)],
            figure: .init(points: ["pelvis", "knee"], segments: [[0, 1]], frames: t.map { [[$0, 0.9, 0], [$0, 0.5, 0]] }),
            spatial: false)
        let html = try HTMLReport.render(data)
        XCTAssertTrue(html.contains("\"knee_angle_r\""))
        XCTAssertTrue(html.contains("\"segments\":[[0,1]]"))
        XCTAssertTrue(html.contains("knee &lt;/script&gt; test"))       // the title is escaped
        XCTAssertEqual(html.components(separatedBy: "</script>").count, 2)  // the data cannot close the script
        XCTAssertFalse(html.contains("http://") || html.contains("https://") || html.contains("src="))  // no network
        XCTAssertTrue(html.contains("\"NaN\""))  // a non-finite reward is carried, not dropped or crashing
    }

    func testLearningCurvesStopAtTheCheckpointsSteps() throws {
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: csv) }
        try "env_steps,episode_return_mean,episode_length_mean\n100,1.5,10\n200,2.5,20\n300,3.5,30\n".write(to: csv, atomically: true, encoding: .utf8)
        let (all, allCurves) = EpisodeRecording.learningCurves(csv)
        XCTAssertEqual(all, [100, 200, 300])
        XCTAssertEqual(allCurves.map(\.name), ["episode_return_mean", "episode_length_mean"])
        let (early, earlyCurves) = EpisodeRecording.learningCurves(csv, upTo: 200)
        XCTAssertEqual(early, [100, 200])
        XCTAssertEqual(earlyCurves.first?.simulated, [1.5, 2.5])
    }
}
