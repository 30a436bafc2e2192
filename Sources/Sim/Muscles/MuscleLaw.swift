import Foundation

/// One muscle model, an OpenSim muscle class: the conforming value holds the class's own properties (read from
/// `.osim` files, stored in model specs), and the type builds the `MuscleMechanics` that `MuscleModel` runs. What
/// every class shares stays in `MuscleParameters` (the Muscle base properties) and `MuscleModel` (fixed-width
/// pennation, the evaluation's skeleton, the equilibrium bisection, activation dynamics, partials by differences).
///
/// A new model is its own file (as Thelen2003Muscle.swift) plus one line in `MuscleClass.registered`: a struct
/// conforming to `MuscleLaw` (element name, defaults, reading its properties, minimum fiber length, activation dynamics
/// where not first-order) and a final class conforming to `MuscleMechanics` (its curves, and its rules where they
/// differ from the defaults). The `.osim` reader, the model loader and model specs then know it by its element name.
protocol MuscleLaw: Sendable, Equatable, Codable {
    /// The element name in `.osim` files, e.g. "Thelen2003Muscle"; model specs store it as "muscleClass".
    static var openSimName: String { get }
    /// The class's defaults of the activation properties every muscle has (its constructProperties).
    static var activationDefaults: ActivationDefaults { get }
    /// False for a class that never reads ignore_tendon_compliance and ignore_activation_dynamics (Thelen2003Muscle):
    /// its muscles keep both states whatever the file says.
    static var followsIgnoreFlags: Bool { get }
    /// The class's own property defaults (its constructProperties).
    init()
    /// Reads the class's own properties of a muscle element; those it leaves out keep their values.
    mutating func read(_ element: OsimMuscleElement) throws
    /// The first-order activation dynamics the class uses.
    func activationDynamics(_ p: MuscleParameters) -> ActivationDynamics
    /// The shortest fiber the class allows, given the pennation model's minimum (`pennationMinimum`, from the
    /// parallelogram height h, or 1 % of the optimal length where h is 0).
    func minimumFiberLength(_ p: MuscleParameters, pennationMinimum: Double, parallelogramHeight h: Double) -> Double
    /// The mechanics of one muscle with these properties.
    func mechanics(_ p: MuscleParameters, rigidTendon: Bool) -> any MuscleMechanics
}

/// Defaults of the Muscle base properties that OpenSim's classes set each their own way.
struct ActivationDefaults: Sendable {
    var activationTime: Double, deactivationTime: Double, minimumActivation: Double, defaultActivation: Double
}

extension MuscleLaw {
    static var followsIgnoreFlags: Bool { true }

    /// MuscleFirstOrderActivationDynamicModel, as Thelen2003Muscle and Millard2012EquilibriumMuscle use it.
    func activationDynamics(_ p: MuscleParameters) -> ActivationDynamics {
        .firstOrder(activationTime: p.activationTimeConstant, deactivationTime: p.deactivationTimeConstant,
                    minimumActivation: p.minimumActivation)
    }
}

/// Fiber damping below this is treated as none (Millard2012EquilibriumMuscle's MIN_NONZERO_DAMPING_COEFFICIENT;
/// the DeGroote–Fregly model here follows the same rule).
let minimumFiberDamping = 0.001

/// The damping a fiber gets: `beta`, or none below `minimumFiberDamping`.
func effectiveFiberDamping(_ beta: Double) -> Double { beta >= minimumFiberDamping ? beta : 0 }

/// How a class's computeInitialFiberEquilibrium shares a lengthening MTU's speed between fiber and tendon
/// (`MuscleModel.equilibriumFiberLength(activation:mtuLength:mtuLengtheningSpeed:solveForVelocity:)`).
enum InitialFiberVelocity {
    /// Always a static solution at zero fiber velocity.
    case zero
    /// Zero unless the caller asks for the shared speed.
    case zeroUnlessAsked
    /// The speed shared by the fiber's and the tendon's stiffnesses unless the caller asks for zero.
    case sharedUnlessAsked
}

/// What the evaluation asks of a muscle class. `MuscleModel` holds it as an existential and makes one dynamic call
/// per evaluation (the entry points at the end); each class's witness of those is the shared code of MuscleModel.swift,
/// MuscleEquilibrium.swift and MusclePartials.swift specialized for it, so its curves are called statically. A final
/// class: the existential is then a reference that the call passes on as it is (a value would be projected out of
/// the existential at every call, 0.3 % of the instructions of a muscle-driven step). Square roots in its code: libm's
/// `sqrt` (see `MuscleModel.pennation`).
protocol MuscleMechanics: AnyObject, Sendable {
    // MARK: curves (normalized)
    func activeForceLength(_ lN: Double) -> Double
    func passiveForceLength(_ lN: Double) -> Double
    func tendonForceLength(_ tN: Double) -> Double
    /// Force-velocity multiplier and its slope at a normalized fiber velocity (units of vmax·lopt).
    func forceVelocity(_ vN: Double, activation a: Double) -> (value: Double, slope: Double)
    /// The normalized fiber velocity whose force-velocity multiplier is `fv` (at full activation).
    func inverseForceVelocity(_ fv: Double) -> Double
    /// Slopes d(fal)/d(lN), d(fpe)/d(lN) and d(fse)/d(tN); by default central differences of the curves.
    func curveSlopes(normFiberLength lN: Double, normTendonLength tN: Double) -> (fal: Double, fpe: Double, fse: Double)
    /// β of the fiber's damping force β·vN·F_iso; 0 for an undamped fiber (the default).
    var damping: Double { get }

    // MARK: rules of the evaluation (defaults in MuscleModel.swift)
    /// The compliant tendon's normalized fiber velocity and force-velocity multiplier from the force balance
    /// (a·fal·fv + fpe + β·v)·cos φ = fse; by default the damped solve (β > 0) or the inverse curve.
    func fiberVelocity(activation a: Double, fal: Double, fpe: Double, fse: Double, cosPennation: Double,
                       hint: UnsafeMutablePointer<Int>?) -> (vN: Double, fv: Double)
    /// The damped-fiber solve of that balance (β > 0); by default bracketed Newton on the force-velocity curve.
    func dampedVelocity(a: Double, fal: Double, fpe: Double, fse: Double, beta: Double, cosPhi: Double,
                        hint: UnsafeMutablePointer<Int>?) -> (Double, Double)
    /// With a rigid tendon shorter than its slack length the fiber does not move (default false).
    static var slackRigidTendonStopsFiber: Bool { get }
    /// With a rigid tendon the fiber force is at least 0, the passive force making up the difference (default false).
    static var rigidFiberCannotPush: Bool { get }

    // MARK: equilibrium (defaults in MuscleEquilibrium.swift)
    static var initialFiberVelocity: InitialFiberVelocity { get }
    /// The fiber's stiffness along the tendon from d(fiber force along the tendon)/d(fiber length) `dFmAT`, as the
    /// class's initializer linearizes it; by default Millard2012EquilibriumMuscle's estimateMuscleFiberState.
    func fiberStiffnessAlongTendon(_ dFmAT: Double, fiberLength lce: Double, sinPennation: Double, cosPennation: Double,
                                   dPennation: Double) -> Double
    /// The force-velocity multiplier at the initializer's fiber velocity; by default the curve's.
    func initialForceVelocity(activation a: Double, fal: Double, normFiberVelocity vN: Double) -> Double

    // MARK: partial derivatives (default in MusclePartials.swift)
    /// Closed-form partials where the class has them, else nil (forward differences of `evaluate`).
    func closedFormPartials(_ m: MuscleModel, activation a: Double, fiberLength l: Double, mtuLength length: Double,
                            excitation: Double, hint: UnsafeMutablePointer<Int>?) -> MusclePartials?

    // MARK: entry points, implemented once for every class by the shared code; a class does not implement these
    func evaluate(_ m: MuscleModel, activation: Double, fiberLength: Double, mtuLength: Double,
                  mtuLengtheningSpeed: Double, excitation: Double, hint: UnsafeMutablePointer<Int>?) -> MuscleEvaluation
    func partials(_ m: MuscleModel, activation: Double, fiberLength: Double, mtuLength: Double,
                  mtuLengtheningSpeed: Double, excitation: Double, hint: UnsafeMutablePointer<Int>?) -> MusclePartials
    func equilibriumFiberLength(_ m: MuscleModel, activation: Double, mtuLength: Double) -> Double
    func equilibriumFiberLength(_ m: MuscleModel, activation: Double, mtuLength: Double, mtuLengtheningSpeed: Double,
                                solveForVelocity: Bool?) -> Double
}

/// A muscle model by its OpenSim class name.
public struct MuscleClass: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    let law: any MuscleLaw.Type

    /// Every muscle model that `.osim` files and model specs may name: a new model is its own file and one line here.
    public static let registered: [MuscleClass] = [
        MuscleClass(Thelen2003Muscle.self),
        MuscleClass(Millard2012EquilibriumMuscle.self),
        MuscleClass(DeGrooteFregly2016Muscle.self),
    ]

    init(_ law: any MuscleLaw.Type) { self.law = law }
    /// The registered class of that name; nil for any other.
    public init?(rawValue: String) {
        guard let c = Self.registered.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = c
    }
    public var rawValue: String { law.openSimName }
    public var description: String { rawValue }
    public static func == (a: MuscleClass, b: MuscleClass) -> Bool { a.rawValue == b.rawValue }
    public func hash(into h: inout Hasher) { h.combine(rawValue) }
}
