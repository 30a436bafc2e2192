import Foundation

public enum MuscleModelError: Error, CustomStringConvertible, Equatable {
    case xml(String)
    case unsupported(String)
    case badValue(String)
    public var description: String {
        switch self {
        case .xml(let s), .unsupported(let s), .badValue(let s): return s
        }
    }
}

/// Raw description of an OpenSim function (kept as written; evaluation belongs to the simulator).
public enum PathFunctionDescription: Equatable, Codable, Sendable {
    case simmSpline(x: [Double], y: [Double])
    case naturalCubicSpline(x: [Double], y: [Double])
    case linear(slope: Double, intercept: Double)  // LinearFunction coefficients "slope intercept"
    case constant(Double)
    case polynomial([Double])
    /// `scale` times the inner function (OpenSim's Scale tool wraps a scaled model's functions in these).
    indirect case multiplier(scale: Double, PathFunctionDescription)
    case other(String)
}

public enum MusclePathPointKind: Equatable, Codable, Sendable {
    case fixed
    /// Active only while `coordinate` lies within `range` (inclusive), as ConditionalPathPoint.
    case conditional(coordinate: String, range: ClosedRange<Double>)
    /// Location components are functions of coordinates, as MovingPathPoint.
    case moving(x: PathFunctionDescription?, xCoordinate: String?,
                y: PathFunctionDescription?, yCoordinate: String?,
                z: PathFunctionDescription?, zCoordinate: String?)
}

public struct MusclePathPoint: Equatable, Codable, Sendable {
    public var name: String
    /// Body name (the last component of the 4.0 socket path, or the 3.x `<body>`).
    public var body: String
    public var location: SIMD3<Double>
    public var kind: MusclePathPointKind
}

/// Everything a muscle element carries: the properties every OpenSim muscle has, with OpenSim 4.6 defaults where the
/// file omits one, and its class's own properties (`law`, whose type is the class: `Thelen2003Muscle`, …).
public struct MuscleParameters: Equatable, Sendable {
    public var name: String
    public var maxIsometricForce = 1000.0
    public var optimalFiberLength = 0.1
    public var tendonSlackLength = 0.2
    public var pennationAngleAtOptimal = 0.0
    public var maxContractionVelocity = 10.0
    public var activationTimeConstant: Double
    public var deactivationTimeConstant: Double
    public var minimumActivation: Double
    public var maximumPennationAngle = acos(0.1)
    public var defaultActivation: Double
    public var defaultFiberLength: Double?
    public var ignoreTendonCompliance = false
    public var ignoreActivationDynamics = false
    public var appliesForce = true
    public var minControl = 0.0
    public var maxControl = 1.0
    public var path: [MusclePathPoint] = []
    /// The class's own properties; the typed views (`thelen`, `millard`, `deGroote`) live in each class's file.
    var law: any MuscleLaw { get { lawBox.law } set { lawBox = LawBox(law: newValue) } }
    private var lawBox: LawBox

    /// A muscle of that class with every property at its OpenSim default.
    public init(name: String, muscleClass: MuscleClass) {
        self.name = name
        let d = muscleClass.law.activationDefaults
        activationTimeConstant = d.activationTime; deactivationTimeConstant = d.deactivationTime
        minimumActivation = d.minimumActivation; defaultActivation = d.defaultActivation
        lawBox = LawBox(law: muscleClass.law.init())
    }

    /// Setting another class gives its own properties their defaults and keeps the shared ones.
    public var muscleClass: MuscleClass {
        get { MuscleClass(type(of: law)) }
        set { if newValue != muscleClass { law = newValue.law.init() } }
    }

    /// Compares the class-specific properties, so that the parameters' equality stays synthesized.
    private struct LawBox: Equatable, Sendable {
        var law: any MuscleLaw
        static func == (a: LawBox, b: LawBox) -> Bool { a.law.isEqual(to: b.law) }
    }
}

extension MuscleLaw {
    func isEqual(to other: any MuscleLaw) -> Bool { (other as? Self) == self }
}

extension MuscleParameters {
    /// The class's own properties if the muscle is of class `L`, else nil; what each class's file offers as a typed
    /// view (`p.thelen?.af = 0.3` changes a Thelen muscle and leaves any other as it is).
    func law<L: MuscleLaw>(_: L.Type) -> L? { law as? L }
    mutating func setLaw<L: MuscleLaw>(_ newValue: L?) { if let newValue { law = newValue } }
}

/// Model specs store the class name under "muscleClass" and the class's own properties beside the shared ones.
extension MuscleParameters: Codable {
    private enum CodingKeys: String, CodingKey {
        case name, muscleClass, maxIsometricForce, optimalFiberLength, tendonSlackLength, pennationAngleAtOptimal,
             maxContractionVelocity, activationTimeConstant, deactivationTimeConstant, minimumActivation,
             maximumPennationAngle, defaultActivation, defaultFiberLength, ignoreTendonCompliance,
             ignoreActivationDynamics, appliesForce, minControl, maxControl, path
    }
    /// The shared numbers and flags by key, for decoding and encoding alike.
    private static var numbers: [(CodingKeys, WritableKeyPath<MuscleParameters, Double>)] {
        [(.maxIsometricForce, \.maxIsometricForce), (.optimalFiberLength, \.optimalFiberLength),
         (.tendonSlackLength, \.tendonSlackLength), (.pennationAngleAtOptimal, \.pennationAngleAtOptimal),
         (.maxContractionVelocity, \.maxContractionVelocity), (.activationTimeConstant, \.activationTimeConstant),
         (.deactivationTimeConstant, \.deactivationTimeConstant), (.minimumActivation, \.minimumActivation),
         (.maximumPennationAngle, \.maximumPennationAngle), (.defaultActivation, \.defaultActivation),
         (.minControl, \.minControl), (.maxControl, \.maxControl)]
    }
    private static var flags: [(CodingKeys, WritableKeyPath<MuscleParameters, Bool>)] {
        [(.ignoreTendonCompliance, \.ignoreTendonCompliance), (.ignoreActivationDynamics, \.ignoreActivationDynamics),
         (.appliesForce, \.appliesForce)]
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let muscleClass = try c.decode(MuscleClass.self, forKey: .muscleClass)
        self.init(name: try c.decode(String.self, forKey: .name), muscleClass: muscleClass)
        law = try muscleClass.law.init(from: decoder)
        for (key, property) in Self.numbers { self[keyPath: property] = try c.decode(Double.self, forKey: key) }
        for (key, property) in Self.flags { self[keyPath: property] = try c.decode(Bool.self, forKey: key) }
        defaultFiberLength = try c.decodeIfPresent(Double.self, forKey: .defaultFiberLength)
        path = try c.decode([MusclePathPoint].self, forKey: .path)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(muscleClass, forKey: .muscleClass)
        try law.encode(to: encoder)
        for (key, property) in Self.numbers { try c.encode(self[keyPath: property], forKey: key) }
        for (key, property) in Self.flags { try c.encode(self[keyPath: property], forKey: key) }
        try c.encodeIfPresent(defaultFiberLength, forKey: .defaultFiberLength)
        try c.encode(path, forKey: .path)
    }
}
