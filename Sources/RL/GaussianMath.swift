import Foundation

/// log N(x; μ, σ) summed over dimensions, with σ = exp(logStd).
@inline(__always)
func diagonalGaussianLogProb(_ x: UnsafePointer<Float>, mean: UnsafePointer<Float>, logStd: UnsafePointer<Float>, count: Int) -> Float {
    var sum: Float = 0
    for j in 0..<count {
        let z = (x[j] - mean[j]) * Foundation.exp(-logStd[j])
        sum += -0.5 * z * z - logStd[j]
    }
    return sum - 0.5 * Float(count) * Float(Foundation.log(2 * Double.pi))
}

/// KL(old ‖ new) of two diagonal Gaussians.
@inline(__always)
func diagonalGaussianKL(oldMean: UnsafePointer<Float>, oldLogStd: UnsafePointer<Float>,
                        newMean: UnsafePointer<Float>, newLogStd: UnsafePointer<Float>, count: Int) -> Float {
    var kl: Float = 0
    for j in 0..<count {
        let d = oldMean[j] - newMean[j]
        let ratio = Foundation.exp(2 * (oldLogStd[j] - newLogStd[j]))
        kl += newLogStd[j] - oldLogStd[j] + 0.5 * (ratio + d * d * Foundation.exp(-2 * newLogStd[j])) - 0.5
    }
    return kl
}
