import CBLAS
import Foundation

/// Which OpenBLAS kernels the matrix products run on. OpenBLAS picks them when the library loads, from the CPU it
/// recognizes or from OPENBLAS_CORETYPE. Debian 12's OpenBLAS (0.3.21) does not know newer Intel server cores
/// (Sapphire Rapids and later; detection arrived in 0.3.24) and falls back to its SSE3 "Prescott" kernels: on this
/// machine a 2048³ sgemm ran at 67 GFLOP/s on those and 337 on the AVX-512 ("SkylakeX") ones, the PPO update 2.6×
/// faster. OpenBLAS's own advice for such CPUs is to name the target, so `bioimitate` re-executes itself once
/// with OPENBLAS_CORETYPE set when it finds the fallback on a CPU that has AVX-512 or AVX2 (never when the variable
/// is already set: whoever set it knows better). `checkSgemm` tests the kernels against a double-precision product.
public enum BLASKernel {
    /// The kernel family OpenBLAS loaded ("Prescott", "Haswell", "SkylakeX", ...).
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The OPENBLAS_CORETYPE this process should have started with, or nil when OpenBLAS's own choice stands.
    public static func betterCoreType(loaded: String = coreName, environment: [String: String] = ProcessInfo.processInfo.environment,
                                      cpuFlags: Set<String> = cpuFlags()) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, loaded.lowercased() == "prescott" else { return nil }
        if cpuFlags.isSuperset(of: ["avx512f", "avx512vl", "avx512bw", "avx512dq"]) { return "SkylakeX" }
        if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The first processor's feature flags from /proc/cpuinfo (empty where there is none).
    public static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// Replaces this process by itself with OPENBLAS_CORETYPE set, when `betterCoreType` names one; returns when
    /// it does not (or the re-execution fails, leaving the process as it was).
    public static func reexecuteWithBetterKernels() {
        guard let core = betterCoreType() else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")
    }

    /// The largest error of `gemm` in every transpose combination the learners use, on random matrices of the given
    /// sizes, relative to the largest entry of a double-precision product.
    public static func checkSgemm(m: Int = 512, k: Int = 70, n: Int = 256, seed: UInt64 = 3) -> Double {
        var rng = Random(seed: seed)
        func random(_ r: Int, _ c: Int) -> Matrix { Matrix(rows: r, cols: c, storage: (0..<(r * c)).map { _ in Float(rng.normal()) }) }
        var worst = 0.0
        for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
            let a = ta ? random(k, m) : random(m, k), b = tb ? random(n, k) : random(k, n)
            var c = Matrix(rows: m, cols: n)
            gemm(a, transposeA: ta, b, transposeB: tb, into: &c)
            var exact = [Double](repeating: 0, count: m * n), largest = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    var s = 0.0
                    for p in 0..<k { s += Double(ta ? a[p, i] : a[i, p]) * Double(tb ? b[j, p] : b[p, j]) }
                    exact[i * n + j] = s; largest = max(largest, abs(s))
                }
            }
            for i in 0..<(m * n) { worst = max(worst, abs(Double(c.storage[i]) - exact[i]) / largest) }
        }
        return worst
    }
}
