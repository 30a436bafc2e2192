extension EnvironmentRegistry {
    static func syntheticReference(_ spec: EnvironmentSpec, model: Model, step: Double) throws -> ReferenceMotion {
        throw SimError.invalid("\(spec.id): its synthetic reference is not built yet")
    }
    static func palsyModel(_ model: Model) throws -> Model {
        throw SimError.invalid("the palsy model is not built yet")
    }
}
