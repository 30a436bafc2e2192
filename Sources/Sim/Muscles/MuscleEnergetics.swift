import Foundation

/// Umberger-style muscle energetics (Umberger, Gerritsen & Martin 2003; Umberger 2010), following
/// OpenSim's Umberger2010MuscleMetabolicsProbe::computeProbeInputs. Rates per muscle in W.
public struct UmbergerEnergetics: Sendable, Equatable {
    /// S, the aerobic scaling factor (1.5 for primarily aerobic activity; OpenSim default).
    public var aerobicFactor = 1.5
    /// Specific tension (Pa) and density (kg/m^3) for muscle mass = Fmax/sigma * rho * lopt.
    public var specificTension = 0.25e6
    public var muscleDensity = 1059.7
    /// Whole-body basal rate (W/kg), as used by the original environments.
    public var basalRatePerKg = 1.51
    public var includeNegativeMechanicalWork = true
    public var forbidNegativeTotalPower = true
    public var enforceMinimumHeatRatePerMuscle = true
    /// Bhargava et al. (2004) orderly recruitment: the slow-twitch share of the recruited fibers
    /// depends on excitation (on by default in OpenSim 4.6's probe).
    public var useBhargavaRecruitment = true
    public init() {}

    /// Slow-twitch fractions of the gait-model muscles: Uchida et al. (2016) PLoS ONE 11(3):e0150378,
    /// compiled from Johnson et al. (1973); groups of several anatomical muscles use the mean of
    /// their members (hamstrings = semimem/semiten/bifemlh, vasti = vas_med/int/lat,
    /// gastroc = med/lat gastrocnemius). Unknown muscles get 0.5.
    public static func slowTwitchFraction(muscleName: String) -> Double {
        var n = muscleName.lowercased()
        for suffix in ["_r", "_l"] where n.hasSuffix(suffix) { n.removeLast(2) }
        switch n {
        case "hamstrings": return (0.4925 + 0.425 + 0.5425) / 3
        case "bifemlh": return 0.5425
        case "semimem": return 0.4925
        case "semiten": return 0.425
        case "bifemsh": return 0.529
        case "glut_max", "glut_max1", "glut_max2", "glut_max3": return 0.55
        case "abd", "glut_med", "glut_med1", "glut_med2", "glut_med3": return 0.55
        case "add", "add_mag", "add_mag1", "add_mag2", "add_mag3": return 0.552
        case "iliopsoas", "iliacus", "psoas": return 0.5
        case "rect_fem": return 0.3865
        case "vasti": return (0.503 + 0.543 + 0.455) / 3
        case "vas_med": return 0.503
        case "vas_int": return 0.543
        case "vas_lat": return 0.455
        case "gastroc": return (0.566 + 0.507) / 2
        case "med_gas": return 0.566
        case "lat_gas": return 0.507
        case "soleus": return 0.803
        case "tib_ant": return 0.70
        default: return 0.5
        }
    }
}

/// Per-muscle constants of the energetics model.
public struct MuscleMetabolicProperties: Sendable, Equatable {
    public var mass: Double                 // kg
    public var slowTwitchFraction: Double
    public var maxContractionVelocity: Double  // lopt/s
    public var optimalFiberLength: Double

    public init(parameters p: MuscleParameters, energetics e: UmbergerEnergetics = UmbergerEnergetics(),
                slowTwitchFraction: Double? = nil) {
        mass = p.maxIsometricForce / e.specificTension * e.muscleDensity * p.optimalFiberLength
        self.slowTwitchFraction = slowTwitchFraction ?? UmbergerEnergetics.slowTwitchFraction(muscleName: p.name)
        maxContractionVelocity = p.maxContractionVelocity
        optimalFiberLength = p.optimalFiberLength
    }
}

public struct MuscleMetabolicRate: Sendable, Equatable {
    public var activationMaintenance = 0.0  // W
    public var shortening = 0.0             // W
    public var mechanicalWork = 0.0         // W
    public var total = 0.0                  // W
}

extension UmbergerEnergetics {
    /// Metabolic rate of one muscle from its excitation and evaluated state.
    @inline(__always)
    public func rate(_ m: MuscleMetabolicProperties, excitation u: Double, state s: MuscleEvaluation) -> MuscleMetabolicRate {
        let a = s.activation
        let A = u > a ? u : 0.5 * (u + a)
        var r = m.slowTwitchFraction
        if useBhargavaRecruitment {
            let uSlow = r * sin(0.5 * Double.pi * u)
            let uFast = (1 - r) * (1 - cos(0.5 * Double.pi * u))
            r = u == 0 ? 1 : uSlow / (uSlow + uFast)
        }
        let lN = s.normFiberLength, fIso = s.activeForceLengthMultiplier
        let vN = s.fiberVelocity / m.optimalFiberLength  // lopt/s, as the probe uses
        // Activation-maintenance heat (W/kg): 128 * fast-twitch fraction + 25.
        let hAM = 128 * (1 - r) + 25
        var am = aerobicFactor * pow(A, 0.6) * (lN <= 1 ? hAM : 0.4 * hAM + 0.6 * hAM * fIso)
        // Shortening/lengthening heat; fast-twitch vmax = vmax, slow-twitch vmax = vmax/2.5.
        let vmaxFT = m.maxContractionVelocity, vmaxST = vmaxFT / 2.5
        let alphaFT = 153 / vmaxFT, alphaST = 100 / vmaxST
        var sh: Double
        if vN <= 0 {
            let st = min(-alphaST * vN, 100.0)
            sh = aerobicFactor * A * A * (st * r - alphaFT * vN * (1 - r))
        } else {
            sh = aerobicFactor * A * (includeNegativeMechanicalWork ? 4.0 : 0.3) * alphaST * vN
        }
        if lN > 1 { sh *= fIso }
        let fActive = max(s.activeFiberForce, 0)
        var w = (includeNegativeMechanicalWork || s.fiberVelocity <= 0) ? -fActive * s.fiberVelocity : 0
        w /= m.mass
        if forbidNegativeTotalPower {
            let total = am + sh + w
            if total < 0 { sh -= total }
        }
        var heat = am + sh
        if enforceMinimumHeatRatePerMuscle && heat < 1 {
            // The probe raises the heat rate to 1 W/kg; split kept proportional for reporting.
            let scale = heat > 0 ? 1 / heat : 0
            if scale > 0 { am *= scale; sh *= scale } else { am = 1; sh = 0 }
            heat = 1
        }
        let mass = m.mass
        return MuscleMetabolicRate(activationMaintenance: am * mass, shortening: sh * mass,
                                   mechanicalWork: w * mass, total: (heat + w) * mass)
    }

    /// Whole-body metabolic power (W): basal rate times body mass plus every muscle's rate.
    /// The three buffers are indexed alike; nothing is allocated.
    public func totalPower(bodyMass: Double, muscles: UnsafeBufferPointer<MuscleMetabolicProperties>,
                           excitations: UnsafeBufferPointer<Double>,
                           states: UnsafeBufferPointer<MuscleEvaluation>) -> Double {
        precondition(muscles.count == excitations.count && muscles.count == states.count,
                     "totalPower: muscles, excitations and states differ in count")
        var p = basalRatePerKg * bodyMass
        for i in 0..<muscles.count {
            p += rate(muscles[i], excitation: excitations[i], state: states[i]).total
        }
        return p
    }

    /// Convenience over arrays (no copies are made).
    public func totalPower(bodyMass: Double, muscles: [MuscleMetabolicProperties], excitations: [Double],
                           states: [MuscleEvaluation]) -> Double {
        muscles.withUnsafeBufferPointer { m in
            excitations.withUnsafeBufferPointer { e in
                states.withUnsafeBufferPointer { s in totalPower(bodyMass: bodyMass, muscles: m, excitations: e, states: s) }
            }
        }
    }
}
