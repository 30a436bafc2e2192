import CBLAS

/// A dense row-major Float32 matrix. Value type; the storage is a plain array so that
/// batches, weights and gradients can be handed to BLAS without copies.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    public var storage: [Float]

    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && cols >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.storage = [Float](repeating: value, count: rows * cols)
    }

    public init(rows: Int, cols: Int, storage: [Float]) {
        precondition(storage.count == rows * cols, "Matrix storage has \(storage.count) elements, expected \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    public subscript(row: Int, col: Int) -> Float {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }

    /// Shape of op(self): transposed when `transposed` is true.
    @inlinable func shape(_ transposed: Bool) -> (rows: Int, cols: Int) {
        transposed ? (cols, rows) : (rows, cols)
    }
}

/// C ← alpha · op(A) · op(B) + beta · C, through `cblas_sgemm`.
/// `C` must already have the shape of op(A)·op(B); nothing is allocated.
public func gemm(_ a: Matrix, transposeA: Bool = false,
                 _ b: Matrix, transposeB: Bool = false,
                 into c: inout Matrix, alpha: Float = 1, beta: Float = 0) {
    let (m, k) = a.shape(transposeA)
    let (kb, n) = b.shape(transposeB)
    precondition(k == kb, "gemm inner dimensions differ: \(k) vs \(kb)")
    precondition(c.rows == m && c.cols == n, "gemm output is \(c.rows)×\(c.cols), expected \(m)×\(n)")
    if m == 0 || n == 0 { return }
    a.storage.withUnsafeBufferPointer { pa in
        b.storage.withUnsafeBufferPointer { pb in
            c.storage.withUnsafeMutableBufferPointer { pc in
                cblas_sgemm(CblasRowMajor,
                            transposeA ? CblasTrans : CblasNoTrans,
                            transposeB ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), Int32(k),
                            alpha, pa.baseAddress, Int32(max(a.cols, 1)),
                            pb.baseAddress, Int32(max(b.cols, 1)),
                            beta, pc.baseAddress, Int32(max(n, 1)))
            }
        }
    }
}

extension Matrix {
    /// op(self) · op(other) as a new matrix.
    public func multiplied(by other: Matrix, transposeSelf: Bool = false, transposeOther: Bool = false) -> Matrix {
        var out = Matrix(rows: shape(transposeSelf).rows, cols: other.shape(transposeOther).cols)
        gemm(self, transposeA: transposeSelf, other, transposeB: transposeOther, into: &out)
        return out
    }
}
