import Foundation

extension Model {
    /// Models shipped inside the tool, so no OpenSim file is needed at run time. Each is bioimitate's own spec derived
    /// from a public OpenSim gait model (see `source` in each file and scripts/make-builtin-models.sh):
    /// - `gait2d`: planar, 9 coordinates, 14 Millard muscles, heel/toe contact, knee limits (gait0914_2d,
    ///   bioimitation-gym, from the OpenSim gait models by Seth, Delp et al.; CC BY 3.0).
    /// - `gait3d`: 17 coordinates, 22 Thelen muscles, three contact spheres per foot (gait1422_3d, adjusted by C. Ong
    ///   from the OpenSim gait models; CC BY 3.0; its contact, commented out in the file, restored).
    public static let builtinNames = ["gait2d", "gait3d"]

    public static func builtin(_ name: String) throws -> Model {
        guard builtinNames.contains(name), let data = BuiltinResources.model(name) else {
            throw SimError.invalid("unknown built-in model '\(name)' (built-in: \(builtinNames.joined(separator: ", ")))")
        }
        return try Model(spec: try JSONDecoder().decode(ModelSpec.self, from: data), source: "built-in model \(name)")
    }

    /// A built-in model by name, a model spec (`.json`) or an OpenSim file (`.osim`).
    public static func load(_ nameOrPath: String) throws -> Model {
        if builtinNames.contains(nameOrPath) && !FileManager.default.fileExists(atPath: nameOrPath) { return try builtin(nameOrPath) }
        if nameOrPath.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: nameOrPath) else { throw SimError.invalid("\(nameOrPath): cannot read model spec") }
            do { return try Model(spec: try JSONDecoder().decode(ModelSpec.self, from: data), source: nameOrPath) } catch let e as DecodingError {
                throw SimError.invalid("\(nameOrPath): not a bioimitate model spec (\(e.localizedDescription))")
            }
        }
        return try OsimLoader.load(path: nameOrPath)
    }
}
