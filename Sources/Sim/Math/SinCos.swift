import Foundation

/// sin x and cos x from one range reduction, for the joint angles the kinematics turn every evaluation: Foundation's
/// sin and cos each reduce and branch on their own (about 70 instructions each here, 2 % of a 2D muscle step), this
/// about 45 for both. Within 2 ulp of Foundation's for |x| < 1e5 (a test sweeps it); larger or non-finite x go to
/// Foundation.
@inline(__always)
func sinCos(_ x: Double) -> (sin: Double, cos: Double) {
    guard abs(x) < 1e5 else { return (Foundation.sin(x), Foundation.cos(x)) }
    // Nearest k to x/(π/2) by adding and removing 1.5·2⁵², then r = x − k·π/2 in [−π/4, π/4] (Cody–Waite: π/2 split
    // into a 33-bit head, whose product with k is exact for |k| < 2²⁰, and the rest; fdlibm's pio2_1 and pio2_1t).
    let shifter = 6_755_399_441_055_744.0
    let k = (x * (2 / Double.pi) + shifter) - shifter
    let r = (x - k * 1.570_796_326_734_125_614_17) - k * 6.077_100_506_506_192_249_32e-11
    let r2 = r * r
    // Taylor series to r¹⁷ and r¹⁶: the first terms left out are below 1e-19 for |r| ≤ π/4.
    let s = r + r * r2 * (-1.0 / 6 + r2 * (1.0 / 120 + r2 * (-1.0 / 5040 + r2 * (1.0 / 362_880 + r2 * (-1.0 / 39_916_800
        + r2 * (1.0 / 6_227_020_800 + r2 * (-1.0 / 1_307_674_368_000 + r2 * (1.0 / 355_687_428_096_000))))))))
    let c = 1 + r2 * (-0.5 + r2 * (1.0 / 24 + r2 * (-1.0 / 720 + r2 * (1.0 / 40320 + r2 * (-1.0 / 3_628_800
        + r2 * (1.0 / 479_001_600 + r2 * (-1.0 / 87_178_291_200 + r2 * (1.0 / 20_922_789_888_000))))))))
    switch Int(k) & 3 {
    case 0: return (s, c)
    case 1: return (c, -s)
    case 2: return (-s, -c)
    default: return (-c, s)
    }
}
