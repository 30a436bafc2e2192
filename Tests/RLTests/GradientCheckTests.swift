import Foundation
import XCTest
@testable import RL

/// Analytic gradients against central finite differences. Float32 networks, so steps and tolerances are
/// chosen for single precision; the sums are accumulated in Double.
final class GradientCheckTests: XCTestCase {
    private func randomMatrix(_ rows: Int, _ cols: Int, _ rng: inout Random, scale: Double = 1) -> Matrix {
        Matrix(rows: rows, cols: cols, storage: (0..<(rows * cols)).map { _ in Float(rng.normal() * scale) })
    }

    /// loss = Σ c ⊙ f(x) for fixed random c, so ∂loss/∂output = c.
    private func checkMLP(_ activation: Activation) {
        var rng = Random(seed: 7)
        let net = MLP(sizes: [5, 7, 6, 3], activation: activation, outputGain: 1, rng: &rng)
        let x = randomMatrix(4, 5, &rng), c = randomMatrix(4, 3, &rng)
        func loss() -> Double { zip(net.forward(x).storage, c.storage).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        net.zeroGradients()
        net.forward(x)
        let dx = net.backward(c)
        let h: Float = 1e-2
        for l in 0..<net.layerCount {
            for i in stride(from: 0, to: net.weights[l].storage.count, by: 3) {
                let saved = net.weights[l].storage[i]
                net.weights[l].storage[i] = saved + h; let up = loss()
                net.weights[l].storage[i] = saved - h; let down = loss()
                net.weights[l].storage[i] = saved
                XCTAssertEqual(Double(net.weightGrads[l].storage[i]), (up - down) / Double(2 * h), accuracy: 2e-3, "\(activation) W\(l)[\(i)]")
            }
            for i in 0..<net.biases[l].count {
                let saved = net.biases[l][i]
                net.biases[l][i] = saved + h; let up = loss()
                net.biases[l][i] = saved - h; let down = loss()
                net.biases[l][i] = saved
                XCTAssertEqual(Double(net.biasGrads[l][i]), (up - down) / Double(2 * h), accuracy: 2e-3, "\(activation) b\(l)[\(i)]")
            }
        }
        var xp = x
        for i in 0..<x.storage.count {
            xp.storage[i] = x.storage[i] + h
            let up = zip(net.forward(xp).storage, c.storage).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            xp.storage[i] = x.storage[i] - h
            let down = zip(net.forward(xp).storage, c.storage).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            xp.storage[i] = x.storage[i]
            XCTAssertEqual(Double(dx[i / 5, i % 5]), (up - down) / Double(2 * h), accuracy: 2e-3, "\(activation) input[\(i)]")
        }
    }

    func testMLPGradientsTanh() { checkMLP(.tanh) }
    func testMLPGradientsReLU() { checkMLP(.relu) }

    func testPPOSurrogateAndKLGradients() {
        var rng = Random(seed: 3)
        let n = 3
        for trial in 0..<12 {
            let action = (0..<n).map { _ in Float(rng.normal()) }
            let oldMean = (0..<n).map { _ in Float(rng.normal() * 0.5) }
            let oldLogStd = (0..<n).map { _ in Float(rng.uniform(-0.5, 0.3)) }
            var mean = oldMean.map { $0 + Float(rng.normal() * 0.1) }
            var logStd = oldLogStd.map { $0 + Float(rng.normal() * 0.05) }
            let oldLogp = action.withUnsafeBufferPointer { a in oldMean.withUnsafeBufferPointer { m in oldLogStd.withUnsafeBufferPointer { s in
                diagonalGaussianLogProb(a.baseAddress!, mean: m.baseAddress!, logStd: s.baseAddress!, count: n) } } }
            let advantage = Float(rng.normal()), clip: Float = trial % 2 == 0 ? 0.2 : 10, klCoeff: Float = 0.7
            var dMean = [Float](repeating: 0, count: n), dLogStd = dMean, scratchA = dMean, scratchB = dMean
            func loss(_ m: [Float], _ s: [Float]) -> Float {
                action.withUnsafeBufferPointer { a in oldMean.withUnsafeBufferPointer { om in m.withUnsafeBufferPointer { mu in
                    PPO.surrogate(action: a.baseAddress!, oldMean: om.baseAddress!, oldLogStd: oldLogStd, oldLogp: oldLogp,
                                  mean: mu.baseAddress!, logStd: s, advantage: advantage, clip: clip, klCoeff: klCoeff,
                                  dMean: &scratchA, dLogStd: &scratchB).surrogate } } }
            }
            _ = action.withUnsafeBufferPointer { a in oldMean.withUnsafeBufferPointer { om in mean.withUnsafeBufferPointer { mu in
                PPO.surrogate(action: a.baseAddress!, oldMean: om.baseAddress!, oldLogStd: oldLogStd, oldLogp: oldLogp,
                              mean: mu.baseAddress!, logStd: logStd, advantage: advantage, clip: clip, klCoeff: klCoeff,
                              dMean: &dMean, dLogStd: &dLogStd) } } }
            let h: Float = 1e-3
            for j in 0..<n {
                let m0 = mean[j]
                mean[j] = m0 + h; let up = loss(mean, logStd); mean[j] = m0 - h; let down = loss(mean, logStd); mean[j] = m0
                XCTAssertEqual(dMean[j], (up - down) / (2 * h), accuracy: 5e-3 * max(1, abs(dMean[j])), "trial \(trial) dμ\(j)")
                let s0 = logStd[j]
                logStd[j] = s0 + h; let up2 = loss(mean, logStd); logStd[j] = s0 - h; let down2 = loss(mean, logStd); logStd[j] = s0
                XCTAssertEqual(dLogStd[j], (up2 - down2) / (2 * h), accuracy: 5e-3 * max(1, abs(dLogStd[j])), "trial \(trial) dlogσ\(j)")
            }
        }
    }

    func testKLOfIdenticalGaussiansIsZeroAndPositiveOtherwise() {
        let m: [Float] = [0.1, -0.2], s: [Float] = [0.0, -0.5], m2: [Float] = [0.3, -0.2]
        m.withUnsafeBufferPointer { a in s.withUnsafeBufferPointer { b in m2.withUnsafeBufferPointer { c in
            XCTAssertEqual(diagonalGaussianKL(oldMean: a.baseAddress!, oldLogStd: b.baseAddress!, newMean: a.baseAddress!, newLogStd: b.baseAddress!, count: 2), 0, accuracy: 1e-7)
            // Mean shift of 0.2 in a unit-variance dimension: KL = 0.2² / 2.
            XCTAssertEqual(diagonalGaussianKL(oldMean: a.baseAddress!, oldLogStd: b.baseAddress!, newMean: c.baseAddress!, newLogStd: b.baseAddress!, count: 2), 0.02, accuracy: 1e-6)
        } } }
    }

    func testAdaptiveKLRuleFollowsRLlib() {
        XCTAssertEqual(PPO.adaptedKLCoefficient(1, sampledKL: 0.03, target: 0.01), 1.5)
        XCTAssertEqual(PPO.adaptedKLCoefficient(1, sampledKL: 0.004, target: 0.01), 0.5)
        XCTAssertEqual(PPO.adaptedKLCoefficient(1, sampledKL: 0.01, target: 0.01), 1)
    }

    /// SAC's actor term α·log π(a) − c·a (a critic linear in the action) against finite differences.
    func testSACActorGradients() {
        var rng = Random(seed: 11)
        for trial in 0..<20 {
            let e = Float(rng.normal()), alpha = Float(rng.uniform(0.05, 1)), c = Float(rng.normal())
            var mean = Float(rng.normal() * 0.8), raw = Float(rng.normal())
            func loss() -> Float {
                let g = SAC.actorGradient(mean: mean, rawLogStd: raw, noise: e, alpha: alpha, dLossdAction: -c)
                let a = Foundation.tanh(mean + Foundation.exp(SAC.logStd(raw)) * e)
                return alpha * g.logp - c * a
            }
            let g = SAC.actorGradient(mean: mean, rawLogStd: raw, noise: e, alpha: alpha, dLossdAction: -c)
            // Where tanh saturates in Float32 the loss is flat to rounding and differences say nothing.
            let a = Foundation.tanh(mean + Foundation.exp(SAC.logStd(raw)) * e)
            if 1 - a * a < 0.02 { continue }
            let h: Float = 1e-3
            let m0 = mean
            mean = m0 + h; let up = loss(); mean = m0 - h; let down = loss(); mean = m0
            XCTAssertEqual(g.dMean, (up - down) / (2 * h), accuracy: 1e-2 * max(1, abs(g.dMean)), "trial \(trial) dμ")
            let r0 = raw
            raw = r0 + h; let up2 = loss(); raw = r0 - h; let down2 = loss(); raw = r0
            XCTAssertEqual(g.dRaw, (up2 - down2) / (2 * h), accuracy: 1e-2 * max(1, abs(g.dRaw)), "trial \(trial) draw")
        }
    }

    /// SAC's squashed Gaussian log-density integrates to one over the action interval (−1, 1).
    func testSquashedGaussianLogDensityIsNormalized() {
        for (mean, raw) in [(Float(0.3), Float(-0.5)), (Float(-1), Float(0.2))] {
            let ls = Double(SAC.logStd(raw)), std = exp(ls)
            var total = 0.0
            let n = 20000
            for i in 1..<n {
                let a = -1 + 2 * Double(i) / Double(n)
                let u = atanh(a), z = (u - Double(mean)) / std
                total += exp(-0.5 * z * z - ls - 0.5 * log(2 * Double.pi)) / (1 - a * a) * (2 / Double(n))
            }
            XCTAssertEqual(total, 1, accuracy: 2e-3)
        }
    }
}
