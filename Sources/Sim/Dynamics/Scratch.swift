/// A fixed-length run of values that an evaluation reads and writes in place: a plain pointer, so the hot loops
/// pay no copy-on-write check and no reference counting per access. `Scratch` owns and frees it.
struct Buffer<Element> {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    static func allocate(_ count: Int, _ value: Element) -> Buffer {
        let base = UnsafeMutablePointer<Element>.allocate(capacity: max(count, 1))
        base.initialize(repeating: value, count: count)
        return Buffer(base: base, count: count)
    }

    func copy() -> Buffer {
        let base = UnsafeMutablePointer<Element>.allocate(capacity: max(count, 1))
        base.initialize(from: self.base, count: count)
        return Buffer(base: base, count: count)
    }

    func deallocate() { base.deinitialize(count: count); base.deallocate() }

    @inline(__always) subscript(i: Int) -> Element {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
    var indices: Range<Int> { 0..<count }
    /// The same memory as the standard library's buffer types.
    var mutable: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }
    var readOnly: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }
    /// The values, copied out.
    var array: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }
}

/// What one `SimData` computes and works in: kinematics, forces, the mass matrix and its factor, path points and the
/// force elements' outputs, allocated once. A class of plain buffers, so the evaluation reaches them without array
/// bookkeeping; `SimData` copies it before the first write after the data was copied, keeping value semantics.
final class Scratch: @unchecked Sendable {
    // Per body, ground frame: rotation, origin, angular and linear (origin) velocity, the accelerations the body would
    // have if all q̈ were zero (the velocity-product terms), and for planar models its angle about z.
    let rotation: Buffer<Mat3>, origin: Buffer<Vec3>, angularVelocity: Buffer<Vec3>, velocity: Buffer<Vec3>
    let angularBias: Buffer<Vec3>, linearBias: Buffer<Vec3>, angle: Buffer<Double>
    /// Per joint: origin of its child-side frame M in ground.
    let jointOrigin: Buffer<Vec3>
    /// Per coordinate: angular velocity and velocity of its joint's M origin per unit speed, in ground, and the
    /// linear part taken at the ground origin (mass-matrix scratch).
    let columnAngular: Buffer<Vec3>, columnLinear: Buffer<Vec3>, originColumn: Buffer<Vec3>
    /// Net applied force and moment (about the ground origin) per body, and the generalized forces.
    let bodyForce: Buffer<Vec3>, bodyMoment: Buffer<Vec3>, generalized: Buffer<Double>
    /// n×n row-major mass matrix; composite rigid bodies (mass, first moment, inertia about the ground origin, and its
    /// z part for planar models); its factor over the unlocked coordinates (`solveAccelerations`) and their indices.
    let massMatrix: Buffer<Double>, compositeMass: Buffer<Double>, compositeMoment: Buffer<Vec3>
    let compositeInertia: Buffer<Mat3>, compositeInertiaZ: Buffer<Double>, factor: Buffer<Double>, unlocked: Buffer<Int>
    let udot: Buffer<Double>, outputs: Buffer<Double>
    /// The muscle path being evaluated by the general path loops: its active points (index in the path) and where.
    let pathPoint: Buffer<Int>, pathPosition: Buffer<Vec3>
    /// Every muscle path's points as the kinematics placed them (`Model.placePathPoints`): ground position and
    /// velocity, whether a conditional point is active, and the unit vector along the segment ending there (left by
    /// the length pass for the tension pass).
    let placedPosition: Buffer<Vec3>, placedVelocity: Buffer<Vec3>, placedActive: Buffer<Bool>, placedDirection: Buffer<Vec3>
    /// For a moving point, three per point: the ground direction ∂position/∂q of each of its location functions, so
    /// a force on the point gives its coordinate dot(force, direction) (the transmitting slope, OpenSim's).
    let placedPull: Buffer<Vec3>
    /// Per muscle, at its first state's slot: the force–velocity value cell of its last damped solve, where the next
    /// search starts (`SmoothSegmentedCurve.solveIncreasing`; any value gives the same root).
    let curveHint: Buffer<Int>
    /// Per constraint row: its row of G and M⁻¹ times it (n values each), the m×m system G·M⁻¹·Gᵀ, the multipliers.
    let constraintRowValues: Buffer<Double>, constraintColumns: Buffer<Double>, constraintSystem: Buffer<Double>
    let constraintMultipliers: Buffer<Double>, constraintPivots: Buffer<Int>

    init(model: Model) {
        let n = model.coordinateCount, b = model.bodies.count, points = model.pathSites.count
        rotation = .allocate(b, .identity); origin = .allocate(b, .zero); angularVelocity = .allocate(b, .zero)
        velocity = .allocate(b, .zero); angularBias = .allocate(b, .zero); linearBias = .allocate(b, .zero)
        angle = .allocate(b, 0)
        jointOrigin = .allocate(model.joints.count, .zero)
        columnAngular = .allocate(n, .zero); columnLinear = .allocate(n, .zero); originColumn = .allocate(n, .zero)
        bodyForce = .allocate(b, .zero); bodyMoment = .allocate(b, .zero); generalized = .allocate(n, 0)
        massMatrix = .allocate(n * n, 0); compositeMass = .allocate(b, 0); compositeMoment = .allocate(b, .zero)
        compositeInertia = .allocate(b, .identity); compositeInertiaZ = .allocate(b, 0); factor = .allocate(n * n, 0)
        let unlocked = model.coordinates.indices.filter { !model.coordinates[$0].locked }
        self.unlocked = .allocate(unlocked.count, 0)
        for (i, k) in unlocked.enumerated() { self.unlocked[i] = k }
        udot = .allocate(n, 0); outputs = .allocate(model.outputCount, 0)
        let longestPath = model.forces.compactMap { ($0 as? PathForce)?.path.points.count }.max() ?? 0
        pathPoint = .allocate(longestPath, 0); pathPosition = .allocate(longestPath, .zero)
        placedPosition = .allocate(points, .zero); placedVelocity = .allocate(points, .zero)
        placedActive = .allocate(points, false); placedDirection = .allocate(points, .zero)
        for i in model.pathSites.indices where model.pathSites[i].condition < 0 { placedActive[i] = true }
        placedPull = .allocate(3 * points, .zero)
        curveHint = .allocate(model.stateCount, 0)
        let m = model.constraintRows
        constraintRowValues = .allocate(m * n, 0); constraintColumns = .allocate(m * n, 0)
        constraintSystem = .allocate(m * m, 0); constraintMultipliers = .allocate(m, 0); constraintPivots = .allocate(m, 0)
    }

    init(copying s: Scratch) {
        rotation = s.rotation.copy(); origin = s.origin.copy(); angularVelocity = s.angularVelocity.copy()
        velocity = s.velocity.copy(); angularBias = s.angularBias.copy(); linearBias = s.linearBias.copy()
        angle = s.angle.copy(); jointOrigin = s.jointOrigin.copy()
        columnAngular = s.columnAngular.copy(); columnLinear = s.columnLinear.copy(); originColumn = s.originColumn.copy()
        bodyForce = s.bodyForce.copy(); bodyMoment = s.bodyMoment.copy(); generalized = s.generalized.copy()
        massMatrix = s.massMatrix.copy(); compositeMass = s.compositeMass.copy(); compositeMoment = s.compositeMoment.copy()
        compositeInertia = s.compositeInertia.copy(); compositeInertiaZ = s.compositeInertiaZ.copy()
        factor = s.factor.copy(); unlocked = s.unlocked.copy(); udot = s.udot.copy(); outputs = s.outputs.copy()
        pathPoint = s.pathPoint.copy(); pathPosition = s.pathPosition.copy()
        placedPosition = s.placedPosition.copy(); placedVelocity = s.placedVelocity.copy()
        placedActive = s.placedActive.copy(); placedDirection = s.placedDirection.copy(); placedPull = s.placedPull.copy()
        curveHint = s.curveHint.copy()
        constraintRowValues = s.constraintRowValues.copy(); constraintColumns = s.constraintColumns.copy()
        constraintSystem = s.constraintSystem.copy(); constraintMultipliers = s.constraintMultipliers.copy()
        constraintPivots = s.constraintPivots.copy()
    }

    deinit {
        rotation.deallocate(); origin.deallocate(); angularVelocity.deallocate(); velocity.deallocate(); angularBias.deallocate(); linearBias.deallocate()
        angle.deallocate(); jointOrigin.deallocate(); columnAngular.deallocate(); columnLinear.deallocate(); originColumn.deallocate()
        bodyForce.deallocate(); bodyMoment.deallocate(); generalized.deallocate(); massMatrix.deallocate(); compositeMass.deallocate()
        compositeMoment.deallocate(); compositeInertia.deallocate(); compositeInertiaZ.deallocate(); factor.deallocate(); unlocked.deallocate()
        udot.deallocate(); outputs.deallocate(); pathPoint.deallocate(); pathPosition.deallocate()
        placedPosition.deallocate(); placedVelocity.deallocate(); placedActive.deallocate(); placedDirection.deallocate(); placedPull.deallocate()
        curveHint.deallocate()
        constraintRowValues.deallocate(); constraintColumns.deallocate(); constraintSystem.deallocate(); constraintMultipliers.deallocate()
        constraintPivots.deallocate()
    }
}

/// Read access to some of a `SimData`'s results (per body, per coordinate or per output), valid for as long as the
/// value is kept: it holds the storage it reads.
public struct SimValues<Element>: RandomAccessCollection {
    let owner: Scratch
    let buffer: Buffer<Element>
    public var startIndex: Int { 0 }
    public var endIndex: Int { buffer.count }
    public subscript(i: Int) -> Element { buffer[i] }
}

extension SimValues: Equatable where Element: Equatable {
    public static func == (a: SimValues, b: SimValues) -> Bool { a.elementsEqual(b) }
}
