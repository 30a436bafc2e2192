/// LU factorization with partial pivoting of a small dense row-major m×m matrix, in place, and solves with it: what
/// the stiff integrator's iteration matrix and the constraint systems use.
enum DenseLU {
    /// out[r·m + k] = Σ_c a[r·n + c]·b[k·n + c] for m rows of length n in each of `a` and `b` (G·Xᵀ, the constraint
    /// systems' matrix before it is factored).
    @inline(__always)
    static func rowProducts(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, rows m: Int, length n: Int,
                            into out: UnsafeMutablePointer<Double>) {
        for r in 0..<m {
            for k in 0..<m {
                var sum = 0.0
                for c in 0..<n { sum += a[r * n + c] * b[k * n + c] }
                out[r * m + k] = sum
            }
        }
    }

    /// Factors `a` in place (L's multipliers below the diagonal, U on and above), recording the row swapped into each
    /// place in `pivots`. Returns false if a pivot is zero (its unknown then solves to 0).
    @discardableResult @inline(__always)
    static func factor(_ a: UnsafeMutableBufferPointer<Double>, _ m: Int, pivots: UnsafeMutableBufferPointer<Int>) -> Bool {
        var regular = true
        for c in 0..<m {
            var pivot = c
            for r in c..<m where abs(a[r * m + c]) > abs(a[pivot * m + c]) { pivot = r }
            pivots[c] = pivot
            if pivot != c { for x in 0..<m { a.swapAt(c * m + x, pivot * m + x) } }
            let diagonal = a[c * m + c]
            guard diagonal != 0 else { regular = false; continue }
            for r in (c + 1)..<max(m, c + 1) {
                let f = a[r * m + c] / diagonal
                a[r * m + c] = f
                if f != 0 { for x in (c + 1)..<m { a[r * m + x] -= f * a[c * m + x] } }
            }
        }
        return regular
    }

    /// x ← A⁻¹x with the factors of `factor`.
    @inline(__always)
    static func solve(_ a: UnsafeBufferPointer<Double>, _ m: Int, pivots: UnsafeBufferPointer<Int>, _ x: UnsafeMutableBufferPointer<Double>) {
        for c in 0..<m where pivots[c] != c { x.swapAt(c, pivots[c]) }
        for r in 0..<m {
            var sum = x[r]
            for c in 0..<r { sum -= a[r * m + c] * x[c] }
            x[r] = sum
        }
        for r in stride(from: m - 1, through: 0, by: -1) {
            var sum = x[r]
            for c in (r + 1)..<max(m, r + 1) { sum -= a[r * m + c] * x[c] }
            x[r] = a[r * m + r] != 0 ? sum / a[r * m + r] : 0
        }
    }
}
