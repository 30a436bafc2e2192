import Foundation
import XCTest
@testable import RL

final class MatrixTests: XCTestCase {
    /// Deterministic values in [-1, 1) without depending on a generator the RL library may change.
    private func filled(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        var m = Matrix(rows: rows, cols: cols)
        for i in 0..<m.storage.count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            m.storage[i] = Float(Int64(bitPattern: state >> 11) % 2000) / 1000 - 1
        }
        return m
    }

    private func naive(_ a: Matrix, _ ta: Bool, _ b: Matrix, _ tb: Bool) -> [Double] {
        let (m, k) = ta ? (a.cols, a.rows) : (a.rows, a.cols)
        let n = tb ? b.rows : b.cols
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k {
                let x = ta ? a[p, i] : a[i, p]
                let y = tb ? b[j, p] : b[p, j]
                s += Double(x) * Double(y)
            }
            c[i * n + j] = s
        } }
        return c
    }

    func testSgemmMatchesNaiveLoopOnNonSquareShapesAndTransposes() {
        let (m, k, n) = (7, 13, 5)
        for ta in [false, true] { for tb in [false, true] {
            let a = ta ? filled(k, m, seed: 1) : filled(m, k, seed: 1)
            let b = tb ? filled(n, k, seed: 2) : filled(k, n, seed: 2)
            let c = a.multiplied(by: b, transposeSelf: ta, transposeOther: tb)
            XCTAssertEqual(c.rows, m); XCTAssertEqual(c.cols, n)
            let ref = naive(a, ta, b, tb)
            for i in 0..<ref.count {
                XCTAssertEqual(Double(c.storage[i]), ref[i], accuracy: 1e-4, "ta=\(ta) tb=\(tb) index \(i)")
            }
        } }
    }

    func testGemmAccumulatesWithAlphaAndBeta() {
        let a = filled(3, 4, seed: 3), b = filled(4, 2, seed: 4)
        var c = filled(3, 2, seed: 5)
        let c0 = c
        gemm(a, b, into: &c, alpha: 2, beta: 0.5)
        let ab = naive(a, false, b, false)
        for i in 0..<ab.count {
            XCTAssertEqual(Double(c.storage[i]), 2 * ab[i] + 0.5 * Double(c0.storage[i]), accuracy: 1e-4)
        }
    }
}

final class FastTanhTests: XCTestCase {
    func testFastTanhMatchesTanhToFloatPrecision() {
        var xs = stride(from: -12.0, through: 12.0, by: 0.001).map { Float($0) }
        let exact = xs.map { Foundation.tanh(Double($0)) }
        xs.withUnsafeMutableBufferPointer { fastTanh($0) }
        var worst = 0.0
        for (a, b) in zip(xs, exact) { worst = max(worst, abs(Double(a) - b)) }
        XCTAssertLessThan(worst, 5e-7)  // a few Float32 ulps near ±1
    }
}
