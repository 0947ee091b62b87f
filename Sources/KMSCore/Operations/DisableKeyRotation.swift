public import KMSProtocol

public enum DisableKeyRotation: KMSOperation {
    public static let name = OperationName.DisableKeyRotation
    public static let action = KMSAction("kms:DisableKeyRotation")
    public static let readOnly = false
    public static let keys: [KeySlot<DisableKeyRotationRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .cryptographic, changesKey: true),
    ]

    public static func auditParameters(_ request: DisableKeyRotationRequest) -> AuditFields {
        ["keyId": .string(request.KeyId)]
    }

    public static func perform(_ request: DisableKeyRotationRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<Empty> {
        let key = keys[.key]
        try KeyRotation.checkRotatable(key.record, arn: key.arn, automatically: true)
        var updated = key.record
        updated.rotationPeriodInDays = nil
        updated.nextRotationDate = nil
        return Outcome(Empty(), writes: [.updateKey(updated)])
    }
}
