// swift-tools-version:6.0
import PackageDescription

// Release builds of the numeric targets drop overflow/bounds traps in the hot loops. Debug builds (what `swift test`
// uses) still optimize them, keeping the traps, so tests can run thousands of simulated steps.
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),
                            .unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "bioimitate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bioimitate", targets: ["ImitationCLI"]),
        .library(name: "Sim", targets: ["Sim"]),
        .library(name: "RL", targets: ["RL"]),
        // The environments behind a C ABI (Sources/EnvABI/bioimitate_env.h), for Python and other languages.
        .library(name: "bioimitate_env", type: .dynamic, targets: ["EnvABI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // OpenBLAS from Debian's libopenblas-dev, seen through cblas.h.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS",
                       providers: [.apt(["libopenblas-dev"])]),
        // JSON configs over built-in defaults, with one-line errors naming the file and key; shared by Sim, RL and the CLI.
        .target(name: "JSONConfig"),
        // The built-in models and references are compiled into the code (no resource bundle beside the binary), so an
        // installed or copied binary and the Python package's library run without the checkout.
        .target(name: "Sim", dependencies: ["JSONConfig"],
                resources: ["gait2d", "gait3d"].map { .embedInCode("BuiltinModels/\($0).json") }
                    + ["walking2d", "walking3d", "running2d", "running3d"].map { .embedInCode("BuiltinReferences/\($0).json") },
                swiftSettings: fast),
        // The imitation tasks over the simulator: models and motions made into environments, reward, observation,
        // actions, perturbations, termination. Sim knows nothing of tasks.
        .target(name: "Imitation", dependencies: ["Sim", "JSONConfig"], swiftSettings: fast),
        // Long-lived worker threads for stepping environment copies together (RL's sampling, the C ABI's vector envs).
        .target(name: "Workers", swiftSettings: fast),
        .target(name: "RL", dependencies: ["CBLAS", "JSONConfig", "Workers"], swiftSettings: fast),
        .target(name: "EnvABI", dependencies: ["Sim", "Imitation", "JSONConfig", "Workers"], exclude: ["bioimitate_env.h"], swiftSettings: fast),
        .executableTarget(
            name: "ImitationCLI",
            dependencies: ["Sim", "Imitation", "RL", "JSONConfig", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "RLTests", dependencies: ["RL"]),
        // Reference/, MuscleReference/, ModelCensus/ and Differential/ hold OpenSim reference tables read by path, not bundled resources.
        .testTarget(name: "SimTests", dependencies: ["Sim", "Imitation"], exclude: ["Reference", "MuscleReference", "ModelCensus", "Differential"]),
        .testTarget(name: "CLITests", dependencies: ["ImitationCLI", "Sim", "Imitation", "RL", "JSONConfig"]),
    ],
    swiftLanguageModes: [.v5]
)
