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

public enum MuscleClass: String, Codable, Sendable, CaseIterable {
    case thelen2003 = "Thelen2003Muscle"
    case millard2012 = "Millard2012EquilibriumMuscle"
    case deGrooteFregly2016 = "DeGrooteFregly2016Muscle"
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

/// Millard curve properties (ActiveForceLengthCurve, ForceVelocityCurve, FiberForceLengthCurve,
/// TendonForceLengthCurve); defaults from the OpenSim 4.x constructors.
public struct MillardCurveParameters: Hashable, Codable, Sendable {
    public var minNormActiveFiberLength = 0.47 - 0.0259
    public var transitionNormFiberLength = 0.73
    public var maxNormActiveFiberLength = 1.8123
    public var shallowAscendingSlope = 0.8616
    public var activeMinimumValue = 0.1
    public var concentricSlopeAtVmax = 0.0
    public var concentricSlopeNearVmax = 0.25
    public var isometricSlope = 5.0
    public var eccentricSlopeAtVmax = 0.0
    public var eccentricSlopeNearVmax = 0.15
    public var maxEccentricVelocityForceMultiplier = 1.4
    public var concentricCurviness = 0.6
    public var eccentricCurviness = 0.9
    public var fiberStrainAtZeroForce = 0.0
    public var fiberStrainAtOneNormForce = 0.7
    public var fiberStiffnessAtLowForce: Double? = nil
    public var fiberStiffnessAtOneNormForce: Double? = nil
    public var fiberCurviness: Double? = nil
    public var tendonStrainAtOneNormForce = 0.049
    public var tendonStiffnessAtOneNormForce: Double? = nil
    public var tendonNormForceAtToeEnd: Double? = nil
    public var tendonCurviness: Double? = nil
    public init() {}
}

/// Everything a muscle element carries, with OpenSim 4.6 defaults where the file omits a property.
public struct MuscleParameters: Equatable, Codable, Sendable {
    public var name: String
    public var muscleClass: MuscleClass
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
    // Thelen2003Muscle (defaults from Thelen2003Muscle::constructProperties, OpenSim 4.x)
    public var fmaxTendonStrain = 0.04
    public var fmaxMuscleStrain = 0.6
    public var kShapeActive = 0.45
    public var kShapePassive = 5.0
    public var af = 0.25
    public var flen = 1.4
    public var fvLinearExtrapThreshold = 0.95
    // Millard2012EquilibriumMuscle
    public var fiberDamping = 0.1
    public var curves = MillardCurveParameters()
    // DeGrooteFregly2016Muscle (DeGrooteFregly2016Muscle::constructProperties)
    public var activeForceWidthScale = 1.0
    public var passiveFiberStrainAtOneNormForce = 0.6
    public var tendonStrainAtOneNormForce = 0.049
    public var ignorePassiveFiberForce = false
    public var activationDynamicsSmoothing = 0.1
    public var defaultNormalizedTendonForce = 0.5

    public var path: [MusclePathPoint] = []

    public init(name: String, muscleClass: MuscleClass) {
        self.name = name
        self.muscleClass = muscleClass
        switch muscleClass {
        case .thelen2003:  // Thelen2003Muscle.cpp constructProperties
            activationTimeConstant = 0.015; deactivationTimeConstant = 0.05
            minimumActivation = 0.01; defaultActivation = 0.05
        case .millard2012:  // Millard2012EquilibriumMuscle.cpp constructProperties
            activationTimeConstant = 0.01; deactivationTimeConstant = 0.04
            minimumActivation = 0.01; defaultActivation = 0.05; fiberDamping = 0.1
        case .deGrooteFregly2016:  // DeGrooteFregly2016Muscle.cpp constructProperties
            activationTimeConstant = 0.015; deactivationTimeConstant = 0.06
            minimumActivation = 0.0; defaultActivation = 0.5; fiberDamping = 0.0
        }
    }
}
