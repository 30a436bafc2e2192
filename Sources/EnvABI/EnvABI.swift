import Foundation
import JSONConfig
import Imitation
import Sim

// The C ABI of bioimitate_env.h over Sim's imitation environments. Errors become -1/NULL plus a message for
// bi_last_error(); Swift errors and bad pointers never cross the boundary.

/// What a `bi_env*` points at: the environment and the C strings handed out for it (freed on close).
final class EnvHandle {
    let env: ImitationEnvironment
    let observationNames: [UnsafeMutablePointer<CChar>]
    let actionNames: [UnsafeMutablePointer<CChar>]
    /// The last fall reason handed out (`handOut`).
    private var reasonText: UnsafeMutablePointer<CChar>?
    /// Scratch the environment reads and writes; copied to and from the caller's buffers (no allocation per step).
    var observation: [Float], action: [Float]

    init(_ env: ImitationEnvironment) {
        self.env = env
        observation = [Float](repeating: 0, count: env.observationSize)
        action = [Float](repeating: 0, count: env.actionSize)
        observationNames = env.observationNames.map { strdup($0)! }
        actionNames = env.actionNames.map { strdup($0)! }
    }

    deinit {
        for p in observationNames + actionNames { free(p) }
        free(reasonText)
    }

    /// Starts an episode and writes its first observation to the caller's buffer.
    func reset(seed: UInt64, writing out: UnsafeMutablePointer<Float>) {
        env.reset(seed: seed, observation: &observation)
        for i in observation.indices { out[i] = observation[i] }
    }

    /// Why the caller's `actionSize` floats cannot be an action (a non-finite number), or nil when they can.
    func refusal(_ input: UnsafePointer<Float>) -> String? {
        guard let k = (0..<env.actionSize).first(where: { !input[$0].isFinite }) else { return nil }
        return "action[\(k)] (\(env.actionNames[k])) is \(input[k])"
    }

    /// Steps with the caller's `actionSize` floats and writes the next observation to the caller's buffer.
    func step(_ input: UnsafePointer<Float>, writing out: UnsafeMutablePointer<Float>) -> (reward: Double, terminated: Bool, truncated: Bool) {
        for i in action.indices { action[i] = input[i] }
        let r = env.step(action, observation: &observation)
        for i in observation.indices { out[i] = observation[i] }
        return r
    }

    /// `reason` as a C string that stays valid until the next call or close.
    func handOut(_ reason: String?) -> UnsafePointer<CChar>? {
        free(reasonText)
        reasonText = reason.map { strdup($0)! }
        return reasonText.map { UnsafePointer($0) }
    }
}

/// Per-thread message of the last failure, kept as a C string until the next one.
final class ErrorMessage {
    var text: UnsafeMutablePointer<CChar> = strdup("")!
    deinit { free(text) }
}

private func errorBox() -> ErrorMessage {
    let dictionary = Thread.current.threadDictionary
    if let box = dictionary["bioimitate.error"] as? ErrorMessage { return box }
    let box = ErrorMessage()
    dictionary["bioimitate.error"] = box
    return box
}

func fail(_ message: String) -> Int32 {
    let box = errorBox()
    free(box.text)
    box.text = strdup(message)!
    return -1
}

func handle(_ pointer: OpaquePointer?) -> EnvHandle? {
    pointer.map { Unmanaged<EnvHandle>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
}

private let ids: [UnsafeMutablePointer<CChar>] = EnvironmentSpec.all.map { strdup($0.id)! }

@_cdecl("bi_last_error")
public func biLastError() -> UnsafePointer<CChar> { UnsafePointer(errorBox().text) }

@_cdecl("bi_env_id_count")
public func biEnvIDCount() -> Int32 { Int32(ids.count) }

@_cdecl("bi_env_id")
public func biEnvID(_ index: Int32) -> UnsafePointer<CChar>? {
    ids.indices.contains(Int(index)) ? UnsafePointer(ids[Int(index)]) : nil
}

@_cdecl("bi_env_create")
public func biEnvCreate(_ id: UnsafePointer<CChar>?, _ configJSON: UnsafePointer<CChar>?, _ reference: UnsafePointer<CChar>?) -> OpaquePointer? {
    guard let id else { _ = fail("bi_env_create: id is NULL"); return nil }
    return createHandle(configJSON) { config in
        try EnvironmentRegistry.make(id: String(cString: id), config: config, referencePath: reference.map { String(cString: $0) })
    }
}

@_cdecl("bi_env_create_custom")
public func biEnvCreateCustom(_ model: UnsafePointer<CChar>?, _ actuation: UnsafePointer<CChar>?, _ configJSON: UnsafePointer<CChar>?,
                              _ reference: UnsafePointer<CChar>?) -> OpaquePointer? {
    guard let model else { _ = fail("bi_env_create_custom: model is NULL"); return nil }
    return createHandle(configJSON) { config in
        let spec = try customSpec(model: String(cString: model), actuation: actuation.map { String(cString: $0) }, reference: reference.map { String(cString: $0) })
        return try ImitationEnvironment(task: try EnvironmentRegistry.task(custom: spec, config: config).task, config: config)
    }
}

/// The custom task of `bi_env_create_custom`: actuation "muscle", "torque", "joints", or NULL for muscle when the
/// model has muscles.
func customSpec(model: String, actuation: String?, reference: String?) throws -> CustomTaskSpec {
    let kind: CustomTaskSpec.Actuation
    if let actuation {
        guard let k = CustomTaskSpec.Actuation(rawValue: actuation) else {
            throw SimError.invalid("actuation '\(actuation)': must be muscle, torque or joints")
        }
        kind = k
    } else {
        kind = try CustomTaskSpec.defaultActuation(model: model)
    }
    return CustomTaskSpec(model: model, reference: reference, actuation: kind)
}

/// A handle for the environment `build` makes with the config of `configJSON` (NULL: the defaults), or NULL and the error.
func createHandle(_ configJSON: UnsafePointer<CChar>?, _ build: (EnvironmentConfig) throws -> ImitationEnvironment) -> OpaquePointer? {
    do {
        var config = EnvironmentConfig()
        if let configJSON {
            config = try ConfigLoader.load(config, json: Data(String(cString: configJSON).utf8), source: "config_json") { $0.firstProblem() }
        }
        return OpaquePointer(Unmanaged.passRetained(EnvHandle(try build(config))).toOpaque())
    } catch {
        _ = fail("\(error)")
        return nil
    }
}

@_cdecl("bi_env_close")
public func biEnvClose(_ env: OpaquePointer?) {
    guard let env else { return }
    Unmanaged<EnvHandle>.fromOpaque(UnsafeRawPointer(env)).release()
}

@_cdecl("bi_env_observation_size")
public func biEnvObservationSize(_ env: OpaquePointer?) -> Int32 {
    guard let h = handle(env) else { return fail("bi_env_observation_size: env is NULL") }
    return Int32(h.env.observationSize)
}

@_cdecl("bi_env_action_size")
public func biEnvActionSize(_ env: OpaquePointer?) -> Int32 {
    guard let h = handle(env) else { return fail("bi_env_action_size: env is NULL") }
    return Int32(h.env.actionSize)
}

@_cdecl("bi_env_step_size")
public func biEnvStepSize(_ env: OpaquePointer?) -> Double {
    guard let h = handle(env) else { _ = fail("bi_env_step_size: env is NULL"); return -1 }
    return h.env.config.stepSize
}

@_cdecl("bi_env_action_bounds")
public func biEnvActionBounds(_ env: OpaquePointer?, _ low: UnsafeMutablePointer<Float>?, _ high: UnsafeMutablePointer<Float>?) -> Int32 {
    guard let h = handle(env) else { return fail("bi_env_action_bounds: env is NULL") }
    guard let low, let high else { return fail("bi_env_action_bounds: low or high is NULL") }
    for i in 0..<h.env.actionSize { low[i] = h.env.actionLow[i]; high[i] = h.env.actionHigh[i] }
    return 0
}

@_cdecl("bi_env_observation_name")
public func biEnvObservationName(_ env: OpaquePointer?, _ index: Int32) -> UnsafePointer<CChar>? {
    guard let h = handle(env), h.observationNames.indices.contains(Int(index)) else {
        _ = fail("bi_env_observation_name: no observation \(index)"); return nil
    }
    return UnsafePointer(h.observationNames[Int(index)])
}

@_cdecl("bi_env_action_name")
public func biEnvActionName(_ env: OpaquePointer?, _ index: Int32) -> UnsafePointer<CChar>? {
    guard let h = handle(env), h.actionNames.indices.contains(Int(index)) else {
        _ = fail("bi_env_action_name: no action \(index)"); return nil
    }
    return UnsafePointer(h.actionNames[Int(index)])
}

@_cdecl("bi_env_reset")
public func biEnvReset(_ env: OpaquePointer?, _ seed: UInt64, _ observation: UnsafeMutablePointer<Float>?) -> Int32 {
    guard let h = handle(env) else { return fail("bi_env_reset: env is NULL") }
    guard let observation else { return fail("bi_env_reset: observation buffer is NULL") }
    h.reset(seed: seed, writing: observation)
    return 0
}

@_cdecl("bi_env_step")
public func biEnvStep(_ env: OpaquePointer?, _ action: UnsafePointer<Float>?, _ observation: UnsafeMutablePointer<Float>?,
                      _ reward: UnsafeMutablePointer<Double>?, _ terminated: UnsafeMutablePointer<Int32>?,
                      _ truncated: UnsafeMutablePointer<Int32>?) -> Int32 {
    guard let h = handle(env) else { return fail("bi_env_step: env is NULL") }
    guard let action, let observation else { return fail("bi_env_step: action or observation buffer is NULL") }
    if let refusal = h.refusal(action) { return fail("bi_env_step: \(refusal)") }
    let r = h.step(action, writing: observation)
    reward?.pointee = r.reward
    terminated?.pointee = r.terminated ? 1 : 0
    truncated?.pointee = r.truncated ? 1 : 0
    return 0
}

/// The numbers `bi_env_info` writes, in order (bioimitate_env.h lists them too): the shared step fields, the frame.
let infoNames = StepInfo.fields.map(\.name) + ["frame"]

@_cdecl("bi_env_info_size")
public func biEnvInfoSize(_ env: OpaquePointer?) -> Int32 {
    guard let h = handle(env) else { return fail("bi_env_info_size: env is NULL") }
    return Int32(infoNames.count + h.env.info.footLoads.count)
}

@_cdecl("bi_env_info")
public func biEnvInfo(_ env: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    guard let h = handle(env) else { return fail("bi_env_info: env is NULL") }
    guard let out else { return fail("bi_env_info: output buffer is NULL") }
    writeInfo(h, into: out)
    return 0
}

/// Writes the `bi_env_info` numbers of one copy (infoNames' order, then the foot loads) without allocating.
func writeInfo(_ h: EnvHandle, into out: UnsafeMutablePointer<Double>) {
    let i = h.env.info
    for f in StepInfo.fields { out[f.rawValue] = i.value(f) }
    out[StepInfo.fields.count] = Double(h.env.frame)
    for k in i.footLoads.indices { out[infoNames.count + k] = i.footLoads[k] }
}

@_cdecl("bi_env_fall_reason")
public func biEnvFallReason(_ env: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let h = handle(env), let reason = h.env.info.fallReason else { return nil }
    return h.handOut(reason)
}
