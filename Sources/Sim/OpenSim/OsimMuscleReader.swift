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
        let element = OsimMuscleElement(element: e, muscle: name, source: source)
        try element.read(["max_isometric_force": \.maxIsometricForce, "optimal_fiber_length": \.optimalFiberLength,
                          "tendon_slack_length": \.tendonSlackLength, "pennation_angle_at_optimal": \.pennationAngleAtOptimal,
                          "max_contraction_velocity": \.maxContractionVelocity, "activation_time_constant": \.activationTimeConstant,
                          "deactivation_time_constant": \.deactivationTimeConstant, "minimum_activation": \.minimumActivation,
                          "maximum_pennation_angle": \.maximumPennationAngle, "default_activation": \.defaultActivation,
                          "min_control": \.minControl, "max_control": \.maxControl], into: &m)
        if let v = try element.number("default_fiber_length") { m.defaultFiberLength = v }
        element.read("ignore_tendon_compliance", into: &m.ignoreTendonCompliance)
        element.read("ignore_activation_dynamics", into: &m.ignoreActivationDynamics)
        element.read("appliesForce", into: &m.appliesForce)
        if let v = element.flag("isDisabled") { m.appliesForce = !v }  // 3.x spelling
        try m.law.read(element)
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

/// A muscle element as its class reads its own properties (`MuscleLaw.read`): numbers and flags by property name,
/// with errors that name the file and the muscle.
struct OsimMuscleElement {
    let element: XMLElement
    let muscle: String
    let source: String

    /// The element's child of that name (a curve object, for instance), read with the same messages.
    func child(_ name: String) -> OsimMuscleElement? {
        element.child(name).map { OsimMuscleElement(element: $0, muscle: muscle, source: source) }
    }

    /// The number in `<key>`; nil where the element is absent or empty (an unset optional property, from which
    /// OpenSim fits the curve from the others).
    func number(_ key: String) throws -> Double? {
        guard let c = element.child(key), !c.trimmedText.isEmpty else { return nil }
        guard let v = Double(c.trimmedText), !v.isNaN else {
            throw MuscleModelError.badValue("\(source): muscle \(muscle): <\(key)> is not a number: '\(c.trimmedText)'")
        }
        return v
    }

    /// `<key>` as true or false; nil where absent.
    func flag(_ key: String) -> Bool? {
        guard let c = element.child(key) else { return nil }
        return c.trimmedText.lowercased() == "true"
    }

    /// Sets `value` from `<key>` where the file gives one.
    func read(_ key: String, into value: inout Double) throws {
        if let v = try number(key) { value = v }
    }

    func read(_ key: String, into value: inout Bool) {
        if let v = flag(key) { value = v }
    }

    /// Sets each property `<key>` the file gives, by a table of (element name, property).
    func read<T>(_ properties: KeyValuePairs<String, WritableKeyPath<T, Double>>, into target: inout T) throws {
        for (key, path) in properties { try read(key, into: &target[keyPath: path]) }
    }
}
