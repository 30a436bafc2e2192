/// The test's pushes (docs/environments.md#perturbations): `force` N horizontally on the torso for `duration` s,
/// every `period` s of the episode, the first `first` s after the reset (values from ../shared/DESIGN.md).
enum PushSchedule {
    static let force = 50.0, duration = 0.2, period = 2.0, first = 1.0

    /// Whether a push starts at, and whether one acts over, the control step beginning at episode time t.
    static func at(episodeTime t: Double, step: Double) -> (starts: Bool, active: Bool) {
        let shifted = t + (period - first)  // pushes start at first, first + period, ...
        let since = shifted.truncatingRemainder(dividingBy: period)
        guard shifted >= period - 1e-9 else { return (false, false) }
        return (since < step / 2 || since > period - step / 2, since < duration - 1e-9 || since > period - step / 2)
    }
}
