import Sim

extension Model {
    /// Scale factors of the cerebral-palsy-like impairment, per muscle group: (max isometric force, optimal fiber
    /// length, tendon slack length). No patient data is available to the project; the factors are our choice within
    /// what published descriptions report, not fitted to anyone:
    /// - Weakness: children with spastic CP produce well below typically developing peers' strength in every lower-limb
    ///   group tested, with larger deficits distally (Wiley & Damiano 1998, Dev Med Child Neurol 40:100; Darras et al.
    ///   2021, Front Neurol 12:617971). Plantarflexors at 50 %, hamstrings at 60 % of the model's force.
    /// - Shortness: the medial gastrocnemius in CP has a smaller volume and a shorter muscle belly while the Achilles
    ///   tendon is not shorter (Barber et al. 2011, J Biomech 44:2496; Wren et al. 2010, J Pediatr Orthop 30:479):
    ///   plantarflexor optimal fiber length × 0.8, tendon slack length kept. Tight hamstrings (reduced passive knee
    ///   extension) are a common clinical finding in crouch gait (Hicks et al. 2008, J Biomech 41:960, discuss
    ///   contracture as a cause): optimal fiber length × 0.85 and tendon slack length × 0.95. Shorter fibers on an
    ///   unchanged path make passive force rise earlier in ankle dorsiflexion and knee extension (contracture-like).
    static let palsyScaling: [(names: [String], force: Double, fiber: Double, tendon: Double)] = [
        (["gastroc", "med_gas", "lat_gas", "soleus"], 0.5, 0.8, 1.0),
        (["hamstrings", "semimem", "semiten", "bifemlh"], 0.6, 0.85, 0.95),
    ]

    /// Cerebral-palsy-like impairment of a muscle model (built for the 3D model "gait3d"): weak and short plantar
    /// flexors (gastrocnemius, soleus) and hamstrings on both legs; other muscles and everything else unchanged.
    /// Factors and sources: `palsyScaling`. Throws if the model lacks either muscle group.
    public func withPalsyImpairment() throws -> Model {
        func group(_ muscle: String) -> Int? {
            let base = muscle.hasSuffix("_r") || muscle.hasSuffix("_l") ? String(muscle.dropLast(2)) : muscle
            return Model.palsyScaling.firstIndex { $0.names.contains(base) }
        }
        var scaledGroups = Set<Int>()
        let replaced: [ForceElement] = forces.map { f in
            guard let m = f as? MuscleForce, let g = group(m.name) else { return f }
            scaledGroups.insert(g)
            let s = Model.palsyScaling[g]
            var p = m.muscle.parameters
            p.maxIsometricForce *= s.force
            p.optimalFiberLength *= s.fiber
            p.tendonSlackLength *= s.tendon
            if let fiber = p.defaultFiberLength { p.defaultFiberLength = fiber * s.fiber }
            return MuscleForce(muscle: MuscleModel(p, rigidTendon: m.muscle.rigidTendon), path: m.path)
        }
        guard scaledGroups.count == Model.palsyScaling.count else {
            throw SimError.invalid("\(name): the palsy impairment needs plantarflexor (gastroc/soleus) and hamstring muscles")
        }
        return replacing(forces: replaced)
    }
}
