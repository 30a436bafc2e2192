import Foundation

/// Anything with parameters and gradients an optimizer can update, visited in a fixed order.
public protocol Trainable: AnyObject {
    func visitParameters(_ body: (inout [Float], [Float]) -> Void)
}

extension MLP: Trainable {
    public func visitParameters(_ body: (inout [Float], [Float]) -> Void) {
        for l in 0..<layerCount {
            body(&weights[l].storage, weightGrads[l].storage)
            body(&biases[l], biasGrads[l])
        }
    }
}

/// A free parameter vector (a policy's log-std, SAC's log-temperature).
public final class ParameterVector: Trainable {
    public var value: [Float]
    public var grad: [Float]
    public init(_ value: [Float]) { self.value = value; grad = [Float](repeating: 0, count: value.count) }
    public func zeroGradients() { for i in grad.indices { grad[i] = 0 } }
    public func visitParameters(_ body: (inout [Float], [Float]) -> Void) { body(&value, grad) }
}

/// Adam (Kingma & Ba 2015) with PyTorch's defaults (β = 0.9, 0.999, ε = 1e-8) and optional clipping of the
/// global gradient norm before the update.
public final class Adam {
    public var learningRate: Float
    public let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
    public private(set) var steps = 0
    private var m: [[Float]] = []
    private var v: [[Float]] = []
    private let modules: [Trainable]

    public init(_ modules: [Trainable], learningRate: Float) {
        self.modules = modules
        self.learningRate = learningRate
        for module in modules {
            module.visitParameters { p, _ in
                m.append([Float](repeating: 0, count: p.count)); v.append([Float](repeating: 0, count: p.count))
            }
        }
    }

    /// √(Σ g²) over every gradient of every module.
    public func gradientNorm() -> Float {
        var sum: Double = 0
        for module in modules { module.visitParameters { _, g in for x in g { sum += Double(x * x) } } }
        return Float(sum.squareRoot())
    }

    /// One update; gradients are scaled down first when their global norm exceeds `maxGradNorm` (> 0).
    /// Returns the gradient norm before clipping.
    @discardableResult
    public func step(maxGradNorm: Float = 0) -> Float {
        let norm = gradientNorm()
        let scale: Float = maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / norm : 1
        steps += 1
        let c1 = 1 - Foundation.pow(beta1, Float(steps)), c2 = 1 - Foundation.pow(beta2, Float(steps))
        let stepSize = learningRate / c1, c2root = c2.squareRoot()
        var slot = 0
        for module in modules {
            module.visitParameters { p, g in
                m[slot].withUnsafeMutableBufferPointer { m in
                    v[slot].withUnsafeMutableBufferPointer { v in
                        for i in 0..<p.count {
                            let gi = g[i] * scale
                            m[i] = beta1 * m[i] + (1 - beta1) * gi
                            v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
                            p[i] -= stepSize * m[i] / (v[i].squareRoot() / c2root + epsilon)
                        }
                    }
                }
                slot += 1
            }
        }
        return norm
    }

    /// Moment buffers and step count, for checkpoints (same visiting order as the modules).
    public var state: (steps: Int, m: [[Float]], v: [[Float]]) { (steps, m, v) }
    public func restore(steps: Int, m: [[Float]], v: [[Float]]) throws {
        guard m.count == self.m.count, v.count == self.v.count,
              zip(m, self.m).allSatisfy({ $0.count == $1.count }), zip(v, self.v).allSatisfy({ $0.count == $1.count }) else {
            throw RLError("optimizer state does not match the network shapes")
        }
        self.steps = steps; self.m = m; self.v = v
    }
}

public struct RLError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
