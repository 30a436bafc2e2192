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
}
