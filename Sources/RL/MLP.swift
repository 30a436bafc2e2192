import CBLAS
import Foundation
import JSONConfig

public enum Activation: String, ConfigOption {
    case tanh, relu
}

/// A fully connected network with a linear output layer. Weights use PyTorch's `Linear` layout
/// (out × in, y = x·Wᵀ + b) so checkpoints load into `torch.nn.Linear` unchanged.
/// Forward/backward run on whole batches through `cblas_sgemm`; the per-batch-size workspaces are allocated
/// once and reused, so training loops allocate nothing per sample.
public final class MLP {
    public let sizes: [Int]
    public let activation: Activation
    public internal(set) var weights: [Matrix]
    public internal(set) var biases: [[Float]]

    /// Whether every weight and bias is finite (an update that diverged leaves NaN or infinity behind).
    public var isFinite: Bool {
        weights.allSatisfy { $0.storage.allSatisfy(\.isFinite) } && biases.allSatisfy { $0.allSatisfy(\.isFinite) }
    }
    public internal(set) var weightGrads: [Matrix]
    public internal(set) var biasGrads: [[Float]]

    /// acts[0] is the input, acts[i] the output of layer i (after its activation, except the last).
    private struct Workspace { var acts: [Matrix]; var delta: [Matrix] }
    private var workspaces: [Int: Workspace] = [:]
    private var lastBatch = 0

    public var inputSize: Int { sizes[0] }
    public var outputSize: Int { sizes[sizes.count - 1] }
    public var layerCount: Int { sizes.count - 1 }

    /// Hidden layers get orthogonal init with gain √2 (relu) or 5/3 (tanh); the output layer gets
    /// orthogonal init scaled by `outputGain` (small for policy heads, as in PPO implementations). Biases are 0.
    public init(sizes: [Int], activation: Activation, outputGain: Float = 1, rng: inout Random) {
        precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 }, "MLP sizes must be positive")
        self.sizes = sizes
        self.activation = activation
        weights = []; biases = []; weightGrads = []; biasGrads = []
        let hiddenGain: Float = activation == .relu ? Float(2).squareRoot() : 5.0 / 3.0
        for l in 0..<(sizes.count - 1) {
            let gain = l == sizes.count - 2 ? outputGain : hiddenGain
            weights.append(orthogonal(rows: sizes[l + 1], cols: sizes[l], gain: gain, rng: &rng))
            biases.append([Float](repeating: 0, count: sizes[l + 1]))
            weightGrads.append(Matrix(rows: sizes[l + 1], cols: sizes[l]))
            biasGrads.append([Float](repeating: 0, count: sizes[l + 1]))
        }
    }

    private func workspace(_ batch: Int) -> Workspace {
        if let w = workspaces[batch] { return w }
        let w = Workspace(acts: sizes.map { Matrix(rows: batch, cols: $0) },
                          delta: sizes.map { Matrix(rows: batch, cols: $0) })
        workspaces[batch] = w
        return w
    }

    /// Runs the batch (rows = samples) and keeps the activations for `backward`.
    @discardableResult
    public func forward(_ input: Matrix) -> Matrix {
        precondition(input.cols == inputSize, "MLP input has \(input.cols) columns, expected \(inputSize)")
        let batch = input.rows
        var w = workspace(batch)
        workspaces[batch] = nil  // hold the only reference so in-place writes do not copy
        w.acts[0].storage.withUnsafeMutableBufferPointer { dst in
            input.storage.withUnsafeBufferPointer { src in dst.baseAddress!.update(from: src.baseAddress!, count: src.count) }
        }
        for l in 0..<layerCount {
            let out = sizes[l + 1]
            w.acts[l + 1].storage.withUnsafeMutableBufferPointer { y in
                biases[l].withUnsafeBufferPointer { b in
                    for r in 0..<batch { (y.baseAddress! + r * out).update(from: b.baseAddress!, count: out) }
                }
            }
            gemm(w.acts[l], weights[l], transposeB: true, into: &w.acts[l + 1], beta: 1)
            if l < layerCount - 1 { applyActivation(&w.acts[l + 1]) }
        }
        workspaces[batch] = w
        lastBatch = batch
        return w.acts[layerCount]
    }

    /// Given ∂loss/∂output for the batch of the last `forward`, adds ∂loss/∂parameters to the gradients and
    /// returns ∂loss/∂input.
    @discardableResult
    public func backward(_ outputGradient: Matrix) -> Matrix {
        let batch = lastBatch
        precondition(outputGradient.rows == batch && outputGradient.cols == outputSize, "MLP backward shape mismatch")
        var w = workspace(batch)
        workspaces[batch] = nil
        w.delta[layerCount].storage.withUnsafeMutableBufferPointer { dst in
            outputGradient.storage.withUnsafeBufferPointer { src in dst.baseAddress!.update(from: src.baseAddress!, count: src.count) }
        }
        for l in stride(from: layerCount - 1, through: 0, by: -1) {
            // dW += δᵀ·x, db += Σ_rows δ, δ_prev = δ·W ⊙ f'(x)
            gemm(w.delta[l + 1], transposeA: true, w.acts[l], into: &weightGrads[l], beta: 1)
            let out = sizes[l + 1]
            w.delta[l + 1].storage.withUnsafeBufferPointer { d in
                biasGrads[l].withUnsafeMutableBufferPointer { g in
                    for r in 0..<batch { for j in 0..<out { g[j] += d[r * out + j] } }
                }
            }
            gemm(w.delta[l + 1], weights[l], into: &w.delta[l])
            if l > 0 { multiplyByActivationDerivative(&w.delta[l], output: w.acts[l]) }
        }
        workspaces[batch] = w
        return w.delta[0]
    }

    public func zeroGradients() {
        for l in 0..<layerCount {
            weightGrads[l].storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            biasGrads[l].withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
    }

    private func applyActivation(_ m: inout Matrix) {
        m.storage.withUnsafeMutableBufferPointer { p in
            switch activation {
            case .tanh: fastTanh(p)
            case .relu: for i in 0..<p.count where p[i] < 0 { p[i] = 0 }
            }
        }
    }

    private func multiplyByActivationDerivative(_ delta: inout Matrix, output: Matrix) {
        delta.storage.withUnsafeMutableBufferPointer { d in
            output.storage.withUnsafeBufferPointer { y in
                switch activation {
                case .tanh: for i in 0..<d.count { d[i] *= 1 - y[i] * y[i] }
                case .relu: for i in 0..<d.count where y[i] <= 0 { d[i] = 0 }
                }
            }
        }
    }

    /// Copies all weights and biases from a network of the same shape (target networks).
    public func copyParameters(from other: MLP) {
        precondition(other.sizes == sizes)
        weights = other.weights; biases = other.biases
    }

    /// self ← (1 − tau)·self + tau·other (Polyak averaging of target networks).
    public func blend(toward other: MLP, tau: Float) {
        for l in 0..<layerCount {
            for i in 0..<weights[l].storage.count { weights[l].storage[i] += tau * (other.weights[l].storage[i] - weights[l].storage[i]) }
            for i in 0..<biases[l].count { biases[l][i] += tau * (other.biases[l][i] - biases[l][i]) }
        }
    }
}

/// A rows×cols matrix with orthonormal rows or columns (Gram–Schmidt on Gaussian samples) times `gain`.
func orthogonal(rows: Int, cols: Int, gain: Float, rng: inout Random) -> Matrix {
    let (n, m) = rows >= cols ? (rows, cols) : (cols, rows)  // orthonormalize m vectors of length n
    var v = [[Double]](repeating: [], count: m)
    for k in 0..<m {
        var x = (0..<n).map { _ in rng.normal() }
        for j in 0..<k {
            let d = zip(x, v[j]).reduce(0) { $0 + $1.0 * $1.1 }
            for i in 0..<n { x[i] -= d * v[j][i] }
        }
        let norm = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
        v[k] = x.map { $0 / max(norm, 1e-12) }
    }
    var w = Matrix(rows: rows, cols: cols)
    for r in 0..<rows { for c in 0..<cols { w[r, c] = gain * Float(rows >= cols ? v[c][r] : v[r][c]) } }
    return w
}
