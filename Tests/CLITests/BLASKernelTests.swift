import Foundation
import XCTest
@testable import RL

/// OpenBLAS's kernel choice: the fallback to its SSE3 kernels on CPUs it does not recognize is replaced by the
/// AVX-512 or AVX2 ones, and those compute what a double-precision product does.
final class BLASKernelTests: XCTestCase {
    func testTheFallbackIsReplacedOnlyWhereTheCPUHasBetterAndNobodyChose() {
        let avx512: Set = ["sse3", "avx2", "fma", "avx512f", "avx512vl", "avx512bw", "avx512dq"]
        XCTAssertEqual(BLASKernel.betterCoreType(loaded: "Prescott", environment: [:], cpuFlags: avx512), "SkylakeX")
        XCTAssertEqual(BLASKernel.betterCoreType(loaded: "Prescott", environment: [:], cpuFlags: ["avx2", "fma"]), "Haswell")
        XCTAssertNil(BLASKernel.betterCoreType(loaded: "Prescott", environment: [:], cpuFlags: ["sse3"]))
        XCTAssertNil(BLASKernel.betterCoreType(loaded: "Prescott", environment: ["OPENBLAS_CORETYPE": "Prescott"], cpuFlags: avx512))
        XCTAssertNil(BLASKernel.betterCoreType(loaded: "Haswell", environment: [:], cpuFlags: avx512))
    }

    func testTheBinaryRunsOnTheBestKernelsAndTheyAreRight() throws {
        let r = try runBioimitate(["bench-rl", "--check"])
        XCTAssertEqual(r.status, 0, r.err)
        let line = try XCTUnwrap(r.out.split(separator: "\n").first { $0.hasPrefix("OpenBLAS kernels: ") }, r.out)
        let core = String(line.dropFirst("OpenBLAS kernels: ".count).prefix { $0 != ";" })
        if BLASKernel.betterCoreType(loaded: "Prescott") != nil {  // nobody chose, and the CPU has better than SSE3
            XCTAssertNotEqual(core.lowercased(), "prescott", "the binary stayed on OpenBLAS's SSE3 fallback: \(line)")
        }
        print(line)
    }
}
