import Imitation
import Sim

/// A stick figure for any model: one point per body origin (the joint centres), a bone from each body's origin to
/// its parent's, and for leaf bodies (torso, toes) one more point mirrored through the body's centre of mass, so the
/// segment has a visible far end (the torso's reaches about head height).
struct StickFigure {
    let points: [String]
    let segments: [[Int]]
    private let tips: [(body: Int, offset: Vec3)]

    init(model: Model) {
        let bodies = model.bodies
        var points = bodies.map(\.name), segments: [[Int]] = [], tips: [(Int, Vec3)] = []
        var hasChild = [Bool](repeating: false, count: bodies.count)
        for j in model.joints where j.parent >= 0 {
            segments.append([j.parent, j.child]); hasChild[j.parent] = true
        }
        for (b, body) in bodies.enumerated() where !hasChild[b] && norm(body.massCenter) > 1e-3 {
            segments.append([b, points.count]); points.append(body.name + "_end")
            tips.append((b, body.massCenter * 2))
        }
        self.points = points; self.segments = segments; self.tips = tips
    }

    /// Ground-frame (x, y, z) of every point for the kinematics in `d` (updated by the caller).
    func frame(_ d: SimData) -> [[Double]] {
        var out = d.origin.map { [$0.x, $0.y, $0.z] }
        for t in tips { let p = d.origin[t.body] + d.rotation[t.body] * t.offset; out.append([p.x, p.y, p.z]) }
        return out
    }

    func figure(frames: [[[Double]]]) -> ReportData.Figure { .init(points: points, segments: segments, frames: frames) }
}
