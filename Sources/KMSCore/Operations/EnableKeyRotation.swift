import Foundation
public import KMSProtocol

public enum EnableKeyRotation: KMSOperation {
    public static let name = OperationName.EnableKeyRotation
    public static let action = KMSAction("kms:EnableKeyRotation")
    public static let readOnly = false
    public static let keys: [KeySlot<EnableKeyRotationRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .cryptographic, changesKey: true),
    ]

    public static func validate(_ request: EnableKeyRotationRequest) throws(KMSError) {
        if let period = request.RotationPeriodInDays { try Validate.value(period, field: "rotationPeriodInDays", in: KeyRotation.periods) }
    }

    public static func conditions(_ request: EnableKeyRotationRequest) -> [String: [String]] {
        ["kms:RotationPeriodInDays": [String(request.RotationPeriodInDays ?? KeyRotation.defaultPeriodInDays)]]
    }

    public static func auditParameters(_ request: EnableKeyRotationRequest) -> AuditFields {
        ["keyId": .string(request.KeyId), "rotationPeriodInDays": request.RotationPeriodInDays.map(AuditValue.int)]
    }

    /// Starts the schedule, or restarts it with a new period: the next rotation is one period from now.
    public static func perform(_ request: EnableKeyRotationRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<Empty> {
        let key = keys[.key]
        try KeyRotation.checkRotatable(key.record, arn: key.arn, automatically: true)
        var updated = key.record
        let period = request.RotationPeriodInDays ?? KeyRotation.defaultPeriodInDays
        updated.rotationPeriodInDays = period
        updated.nextRotationDate = context.environment.now().addingTimeInterval(Double(period) * 86_400)
        return Outcome(Empty(), writes: [.updateKey(updated)])
    }
}
