public import KMSProtocol

public enum CancelKeyDeletion: KMSOperation {
    public static let name = OperationName.CancelKeyDeletion
    public static let action = KMSAction("kms:CancelKeyDeletion")
    public static let readOnly = false
    public static let keys: [KeySlot<CancelKeyDeletionRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .pendingDeletion, changesKey: true),
    ]

    public static func auditParameters(_ request: CancelKeyDeletionRequest) -> AuditFields {
        ["keyId": .string(request.KeyId)]
    }

    public static func auditResponse(_ response: CancelKeyDeletionResponse, in environment: ServiceEnvironment) -> AuditFields? {
        ["keyId": .string(response.KeyId)]
    }

    public static func perform(
        _ request: CancelKeyDeletionRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<CancelKeyDeletionResponse> {
        let key = keys[.key]
        let cancelled = try KeyLifecycle.cancelDeletion(key.record, arn: key.arn)
        return Outcome(CancelKeyDeletionResponse(KeyId: key.arn), writes: cancelled.writes(replacing: key.record))
    }
}
