public import KMSProtocol

public enum DisableKey: KMSOperation {
    public static let name = OperationName.DisableKey
    public static let action = KMSAction("kms:DisableKey")
    public static let readOnly = false
    public static let keys: [KeySlot<DisableKeyRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .management, changesKey: true),
    ]

    public static func auditParameters(_ request: DisableKeyRequest) -> AuditFields {
        ["keyId": .string(request.KeyId)]
    }

    public static func perform(_ request: DisableKeyRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<Empty> {
        let key = keys[.key]
        return Outcome(Empty(), writes: try KeyLifecycle.disable(key.record, arn: key.arn).writes(replacing: key.record))
    }
}
