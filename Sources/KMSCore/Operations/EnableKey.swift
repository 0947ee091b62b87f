public import KMSProtocol

public enum EnableKey: KMSOperation {
    public static let name = OperationName.EnableKey
    public static let action = KMSAction("kms:EnableKey")
    public static let readOnly = false
    public static let keys: [KeySlot<EnableKeyRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .management, changesKey: true),
    ]

    public static func auditParameters(_ request: EnableKeyRequest) -> AuditFields {
        ["keyId": .string(request.KeyId)]
    }

    public static func perform(_ request: EnableKeyRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<Empty> {
        let key = keys[.key]
        return Outcome(Empty(), writes: try KeyLifecycle.enable(key.record, arn: key.arn).writes(replacing: key.record))
    }
}
