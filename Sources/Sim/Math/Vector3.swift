import Foundation

/// 3-vectors and 3×3 matrices for the multibody code. SIMD3<Double> gives value semantics and vector arithmetic.
public typealias Vec3 = SIMD3<Double>

@inline(__always) public func cross(_ a: Vec3, _ b: Vec3) -> Vec3 {
    Vec3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
@inline(__always) public func dot(_ a: Vec3, _ b: Vec3) -> Double { (a * b).sum() }
@inline(__always) public func norm(_ a: Vec3) -> Double { dot(a, a).squareRoot() }

/// A row-major 3×3 matrix (rotations, inertias).
public struct Mat3: Equatable, Sendable {
    public var r0: Vec3, r1: Vec3, r2: Vec3

    public init(_ r0: Vec3, _ r1: Vec3, _ r2: Vec3) { self.r0 = r0; self.r1 = r1; self.r2 = r2 }
    public static let identity = Mat3(Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1))

    @inline(__always) public static func * (m: Mat3, v: Vec3) -> Vec3 { Vec3(dot(m.r0, v), dot(m.r1, v), dot(m.r2, v)) }
    @inline(__always) public static func * (a: Mat3, b: Mat3) -> Mat3 {
        let t = b.transposed
        return Mat3(Vec3(dot(a.r0, t.r0), dot(a.r0, t.r1), dot(a.r0, t.r2)),
                    Vec3(dot(a.r1, t.r0), dot(a.r1, t.r1), dot(a.r1, t.r2)),
                    Vec3(dot(a.r2, t.r0), dot(a.r2, t.r1), dot(a.r2, t.r2)))
    }
    @inline(__always) public var transposed: Mat3 {
        Mat3(Vec3(r0.x, r1.x, r2.x), Vec3(r0.y, r1.y, r2.y), Vec3(r0.z, r1.z, r2.z))
    }
    public subscript(i: Int, j: Int) -> Double { [r0, r1, r2][i][j] }

    /// Rotation by `angle` about the unit `axis` (Rodrigues).
    public static func rotation(axis a: Vec3, angle: Double) -> Mat3 {
        let (s, c) = sinCos(angle), t = 1 - c
        return Mat3(Vec3(t * a.x * a.x + c, t * a.x * a.y - s * a.z, t * a.x * a.z + s * a.y),
                    Vec3(t * a.x * a.y + s * a.z, t * a.y * a.y + c, t * a.y * a.z - s * a.x),
                    Vec3(t * a.x * a.z - s * a.y, t * a.y * a.z + s * a.x, t * a.z * a.z + c))
    }

    /// OpenSim's orientation convention: body-fixed X-Y-Z Euler angles, R = Rx(a)·Ry(b)·Rz(c).
    public static func bodyFixedXYZ(_ e: Vec3) -> Mat3 {
        rotation(axis: Vec3(1, 0, 0), angle: e.x) * rotation(axis: Vec3(0, 1, 0), angle: e.y) * rotation(axis: Vec3(0, 0, 1), angle: e.z)
    }
}

extension Mat3 {
    /// Body-fixed X-Y-Z angles of a rotation matrix R = Rx·Ry·Rz.
    static func bodyFixedXYZAngles(_ r: Mat3) -> Vec3 {
        Vec3(atan2(-r.r1.z, r.r2.z), atan2(r.r0.z, (r.r0.x * r.r0.x + r.r0.y * r.r0.y).squareRoot()), atan2(-r.r0.y, r.r0.x))
    }

    /// N with angle rates = N·ω (ω in the rotated frame) for body-fixed X-Y-Z angles (Simbody's
    /// Rotation::calcNForBodyXYZInBodyFrame; singular at a middle angle of ±90°).
    static func angleRateMatrix(_ angles: Vec3) -> Mat3 {
        let cy = cos(angles.y), sy = sin(angles.y), cz = cos(angles.z), sz = sin(angles.z)
        return Mat3(Vec3(cz / cy, -sz / cy, 0), Vec3(sz, cz, 0), Vec3(-sy * cz / cy, sy * sz / cy, 1))
    }
}
