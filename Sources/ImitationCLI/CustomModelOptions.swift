import ArgumentParser
import Foundation
import Imitation
import Sim

extension CustomTaskSpec.Actuation: ExpressibleByArgument {}
typealias ActuationOption = CustomTaskSpec.Actuation

/// `--model FILE --reference FILE.mot [--actuation A]`: a researcher's own model and motion instead of `--env`.
struct CustomModelOptions: ParsableArguments {
    @Option(help: "Your own model instead of --env: gait2d, gait3d, an OpenSim .osim or a bioimitate .json spec.")
    var model: String?

    @Option(help: "With --model: muscle (the model's muscles), torque (PD servos on every unlocked rotational coordinate) or joints (servos on the joints, residual pelvis torques under a cap). Default: muscle when the model has muscles.")
    var actuation: ActuationOption?

    init() {}
    init(model: String?, actuation: ActuationOption?) { self.model = model; self.actuation = actuation }

    /// The task these options name, with `reference` (already resolved by the command) as its motion; nil without --model.
    func spec(reference: String?) throws -> CustomTaskSpec? {
        guard let model else {
            if actuation != nil { throw CLIError("--actuation applies to --model") }
            return nil
        }
        let path = Model.builtinNames.contains(model) ? model : URL(fileURLWithPath: model).standardizedFileURL.path
        let kind: ActuationOption
        if let actuation { kind = actuation } else {
            do { kind = try CustomTaskSpec.defaultActuation(model: path) } catch let e as SimError { throw CLIError("\(model): \(e)") }
        }
        return CustomTaskSpec(model: path, reference: reference.map { URL(fileURLWithPath: $0).standardizedFileURL.path }, actuation: kind)
    }
}

/// A run's custom model as its `config.json` records it: the file, the actuation and content hashes of the model
/// and motion, so `test` and `--resume` rebuild the same environment or say what changed.
struct RunModel: Codable, Equatable {
    let path: String
    let actuation: String
    let hash: String
    let referenceHash: String?

    enum CodingKeys: String, CodingKey { case path, actuation, hash, referenceHash = "reference_hash" }

    init(_ spec: CustomTaskSpec) throws {
        path = spec.model; actuation = spec.actuation.rawValue
        hash = Model.builtinNames.contains(spec.model) ? "built-in" : try Self.hash(spec.model)
        referenceHash = try spec.reference.map(Self.hash)
    }

    /// The task this record describes, with `reference` (a motion other than the recorded one) when given; fails
    /// when a recorded file's content changed.
    func spec(reference override: String?, recordedReference: String?) throws -> CustomTaskSpec {
        guard let kind = ActuationOption(rawValue: actuation) else { throw CLIError("run config: model actuation '\(actuation)' is not muscle, torque or joints") }
        if hash != "built-in" { try Self.require(path, hash: hash) }
        if override == nil, let recordedReference, let referenceHash { try Self.require(recordedReference, hash: referenceHash) }
        return CustomTaskSpec(model: path, reference: override ?? recordedReference, actuation: kind)
    }

    /// Fails in one line when the file at `path` no longer has the content hash `recorded`.
    private static func require(_ path: String, hash recorded: String) throws {
        let now = try hash(path)
        if now != recorded { throw CLIError("\(path) changed since the run was trained (content hash \(now), recorded \(recorded))") }
    }

    /// FNV-1a (64 bit) of a file's bytes, in hex: enough to notice an edited or replaced file.
    static func hash(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(path): cannot read") }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }
}
