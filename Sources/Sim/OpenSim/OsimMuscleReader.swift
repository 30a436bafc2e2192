import Foundation

/// Reads every supported muscle from an `.osim` file (format 30000 and 40000).
public enum MuscleParameterReader {
    public struct Result: Sendable {
        public var muscles: [MuscleParameters]
        /// Non-fatal findings, e.g. wrap objects that the muscle path ignores.
        public var warnings: [String]
    }

    public static func read(osimPath: String, wrapping: WrapPolicy = .warn) throws -> Result {
        guard let data = FileManager.default.contents(atPath: osimPath) else {
            throw MuscleModelError.xml("cannot read \(osimPath)")
        }
        return try read(data: data, source: osimPath, wrapping: wrapping)
    }

    public enum WrapPolicy: Sendable { case warn, error }

    public static func read(data: Data, source: String = "<data>", wrapping: WrapPolicy = .warn) throws -> Result {
        let root = try XMLElement.parse(data, source: source)
        root.child("Model")?.applyDefaults()
        return try read(root: root, source: source, wrapping: wrapping)
    }

    /// Reads the muscles of an already parsed document (the model loader passes its own tree).
    public static func read(root: XMLElement, source: String, wrapping: WrapPolicy = .warn) throws -> Result {
        let elems = root.collect { MuscleClass(rawValue: $0.name) != nil }
        var muscles: [MuscleParameters] = []
        var warnings: [String] = []
        for e in elems {
            let m = try parseMuscle(e, source: source)
            if let gp = e.child("GeometryPath"), let pws = gp.child("PathWrapSet"),
               let objs = pws.child("objects"), !objs.children.isEmpty {
                let names = objs.children.map { "\($0.name) \($0.attributes["name"] ?? "")" }
                let msg = "\(source): muscle \(m.name): PathWrapSet has \(names.joined(separator: ", ")); wrapping surfaces are not supported"
                if wrapping == .error { throw MuscleModelError.unsupported(msg) }
                warnings.append(msg)
            }
            muscles.append(m)
        }
        return Result(muscles: muscles, warnings: warnings)
    }

    /// The numbers in a whitespace-separated list; a word that is not a number (or NaN) is dropped, so the count
    /// checks of the callers catch it.
    static func doubles(_ s: String) -> [Double] {
        s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).compactMap { Double($0) }.filter { !$0.isNaN }
    }

    static func parseMuscle(_ e: XMLElement, source: String) throws -> MuscleParameters {
        let name = e.attributes["name"] ?? ""
        var m = MuscleParameters(name: name, muscleClass: MuscleClass(rawValue: e.name)!)
        func num(_ key: String, _ el: XMLElement? = nil) throws -> Double? {
            // An empty element is an unset optional property (OpenSim then fits the curve from the others).
            guard let c = (el ?? e).child(key), !c.trimmedText.isEmpty else { return nil }
            guard let v = Double(c.trimmedText), !v.isNaN else {
                throw MuscleModelError.badValue("\(source): muscle \(name): <\(key)> is not a number: '\(c.trimmedText)'")
            }
            return v
        }
        func flag(_ key: String) -> Bool? {
            guard let c = e.child(key) else { return nil }
            return c.trimmedText.lowercased() == "true"
        }
        if let v = try num("max_isometric_force") { m.maxIsometricForce = v }
        if let v = try num("optimal_fiber_length") { m.optimalFiberLength = v }
        if let v = try num("tendon_slack_length") { m.tendonSlackLength = v }
        if let v = try num("pennation_angle_at_optimal") { m.pennationAngleAtOptimal = v }
        if let v = try num("max_contraction_velocity") { m.maxContractionVelocity = v }
        if let v = try num("activation_time_constant") { m.activationTimeConstant = v }
        if let v = try num("deactivation_time_constant") { m.deactivationTimeConstant = v }
        if let v = try num("minimum_activation") { m.minimumActivation = v }
        if let v = try num("maximum_pennation_angle") { m.maximumPennationAngle = v }
        if let v = try num("default_activation") { m.defaultActivation = v }
        if let v = try num("default_fiber_length") { m.defaultFiberLength = v }
        if let v = try num("min_control") { m.minControl = v }
        if let v = try num("max_control") { m.maxControl = v }
        if let v = flag("ignore_tendon_compliance") { m.ignoreTendonCompliance = v }
        if let v = flag("ignore_activation_dynamics") { m.ignoreActivationDynamics = v }
        if let v = flag("appliesForce") { m.appliesForce = v }
        if let v = flag("isDisabled") { m.appliesForce = !v }  // 3.x spelling
        if m.muscleClass == .thelen2003 {
            if let v = try num("FmaxTendonStrain") { m.fmaxTendonStrain = v }
            if let v = try num("FmaxMuscleStrain") { m.fmaxMuscleStrain = v }
            if let v = try num("KshapeActive") { m.kShapeActive = v }
            if let v = try num("KshapePassive") { m.kShapePassive = v }
            if let v = try num("Af") { m.af = v }
            if let v = try num("Flen") { m.flen = v }
            if let v = try num("fv_linear_extrap_threshold") { m.fvLinearExtrapThreshold = v }
        }
        if let v = try num("fiber_damping") { m.fiberDamping = v }
        if m.muscleClass == .millard2012 {
            var c = m.curves
            if let a = e.child("ActiveForceLengthCurve") {
                if let v = try num("min_norm_active_fiber_length", a) { c.minNormActiveFiberLength = v }
                if let v = try num("transition_norm_fiber_length", a) { c.transitionNormFiberLength = v }
                if let v = try num("max_norm_active_fiber_length", a) { c.maxNormActiveFiberLength = v }
                if let v = try num("shallow_ascending_slope", a) { c.shallowAscendingSlope = v }
                if let v = try num("minimum_value", a) { c.activeMinimumValue = v }
            }
            if let f = e.child("ForceVelocityCurve") {
                if let v = try num("concentric_slope_at_vmax", f) { c.concentricSlopeAtVmax = v }
                if let v = try num("concentric_slope_near_vmax", f) { c.concentricSlopeNearVmax = v }
                if let v = try num("isometric_slope", f) { c.isometricSlope = v }
                if let v = try num("eccentric_slope_at_vmax", f) { c.eccentricSlopeAtVmax = v }
                if let v = try num("eccentric_slope_near_vmax", f) { c.eccentricSlopeNearVmax = v }
                if let v = try num("max_eccentric_velocity_force_multiplier", f) { c.maxEccentricVelocityForceMultiplier = v }
                if let v = try num("concentric_curviness", f) { c.concentricCurviness = v }
                if let v = try num("eccentric_curviness", f) { c.eccentricCurviness = v }
            }
            if let p = e.child("FiberForceLengthCurve") {
                if let v = try num("strain_at_zero_force", p) { c.fiberStrainAtZeroForce = v }
                if let v = try num("strain_at_one_norm_force", p) { c.fiberStrainAtOneNormForce = v }
                c.fiberStiffnessAtLowForce = try num("stiffness_at_low_force", p)
                c.fiberStiffnessAtOneNormForce = try num("stiffness_at_one_norm_force", p)
                c.fiberCurviness = try num("curviness", p)
            }
            if let t = e.child("TendonForceLengthCurve") {
                if let v = try num("strain_at_one_norm_force", t) { c.tendonStrainAtOneNormForce = v }
                c.tendonStiffnessAtOneNormForce = try num("stiffness_at_one_norm_force", t)
                c.tendonNormForceAtToeEnd = try num("norm_force_at_toe_end", t)
                c.tendonCurviness = try num("curviness", t)
            }
            m.curves = c
        }
        if m.muscleClass == .deGrooteFregly2016 {
            if let v = try num("active_force_width_scale") { m.activeForceWidthScale = v }
            if let v = try num("passive_fiber_strain_at_one_norm_force") { m.passiveFiberStrainAtOneNormForce = v }
            if let v = try num("tendon_strain_at_one_norm_force") { m.tendonStrainAtOneNormForce = v }
            if let v = flag("ignore_passive_fiber_force") { m.ignorePassiveFiberForce = v }
            if let v = try num("activation_dynamics_smoothing") { m.activationDynamicsSmoothing = v }
            if let v = try num("default_normalized_tendon_force") { m.defaultNormalizedTendonForce = v }
        }
        // OpenSim's own property checks (Muscle::extendFinalizeFromProperties), plus finiteness.
        func check(_ ok: Bool, _ key: String, _ value: Double, _ rule: String) throws {
            if !ok || !value.isFinite { throw MuscleModelError.badValue("\(source): muscle \(name): <\(key)> \(value) \(rule)") }
        }
        try check(m.maxIsometricForce >= 0, "max_isometric_force", m.maxIsometricForce, "must be zero or more")
        try check(m.optimalFiberLength > 0, "optimal_fiber_length", m.optimalFiberLength, "must be greater than zero")
        try check(m.tendonSlackLength > 0, "tendon_slack_length", m.tendonSlackLength, "must be greater than zero")
        try check(m.pennationAngleAtOptimal >= 0 && m.pennationAngleAtOptimal < Double.pi / 2, "pennation_angle_at_optimal",
                  m.pennationAngleAtOptimal, "must be in [0, pi/2)")
        try check(m.maxContractionVelocity > 0, "max_contraction_velocity", m.maxContractionVelocity, "must be greater than zero")
        m.path = try parsePath(e, muscle: name, source: source)
        return m
    }

    static func lastComponent(_ s: String) -> String {
        String(s.split(separator: "/").last ?? Substring(s))
    }

    static func parseFunction(_ holder: XMLElement?) -> PathFunctionDescription? {
        guard let f = holder?.children.first else { return nil }
        switch f.name {
        case "SimmSpline":
            return .simmSpline(x: doubles(f.child("x")?.text ?? ""), y: doubles(f.child("y")?.text ?? ""))
        case "NaturalCubicSpline":
            return .naturalCubicSpline(x: doubles(f.child("x")?.text ?? ""), y: doubles(f.child("y")?.text ?? ""))
        case "LinearFunction":
            let c = doubles(f.child("coefficients")?.text ?? "")
            return .linear(slope: c.first ?? 1, intercept: c.count > 1 ? c[1] : 0)
        case "Constant":
            return .constant(Double(f.child("value")?.trimmedText ?? "") ?? 0)
        case "PolynomialFunction":
            return .polynomial(doubles(f.child("coefficients")?.text ?? ""))
        case "MultiplierFunction":
            guard let inner = parseFunction(f.child("function")) else { return .other("MultiplierFunction without an inner function") }
            return .multiplier(scale: Double(f.child("scale")?.trimmedText ?? "") ?? 1, inner)
        default:
            return .other(f.name)
        }
    }

    static func parsePath(_ e: XMLElement, muscle: String, source: String) throws -> [MusclePathPoint] {
        guard let objs = e.child("GeometryPath")?.child("PathPointSet")?.child("objects") else { return [] }
        var out: [MusclePathPoint] = []
        for p in objs.children {
            let pname = p.attributes["name"] ?? ""
            let loc = doubles(p.child("location")?.text ?? "0 0 0")
            guard loc.count == 3 else {
                throw MuscleModelError.badValue("\(source): muscle \(muscle): path point \(pname) has a bad <location>")
            }
            let body = lastComponent(p.child("socket_parent_frame")?.trimmedText ?? p.child("body")?.trimmedText ?? "")
            var point = MusclePathPoint(name: pname, body: body, location: SIMD3(loc[0], loc[1], loc[2]), kind: .fixed)
            switch p.name {
            case "PathPoint": break
            case "ConditionalPathPoint":
                let coord = lastComponent(p.child("socket_coordinate")?.trimmedText ?? p.child("coordinate")?.trimmedText ?? "")
                let r = doubles(p.child("range")?.text ?? "")
                guard r.count == 2, r[0] <= r[1], !coord.isEmpty else {
                    throw MuscleModelError.badValue("\(source): muscle \(muscle): ConditionalPathPoint \(pname) needs a coordinate and a range")
                }
                point.kind = .conditional(coordinate: coord, range: r[0]...r[1])
            case "MovingPathPoint":
                func coord(_ axis: String) -> String? {
                    (p.child("socket_\(axis)_coordinate") ?? p.child("\(axis)_coordinate")).map { lastComponent($0.trimmedText) }
                }
                point.kind = .moving(x: parseFunction(p.child("x_location")), xCoordinate: coord("x"),
                                     y: parseFunction(p.child("y_location")), yCoordinate: coord("y"),
                                     z: parseFunction(p.child("z_location")), zCoordinate: coord("z"))
            default:
                throw MuscleModelError.unsupported("\(source): muscle \(muscle): path point type \(p.name) (\(pname)) is not supported")
            }
            out.append(point)
        }
        return out
    }
}
