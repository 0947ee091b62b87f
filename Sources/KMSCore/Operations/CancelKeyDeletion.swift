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
        var cancelled = try KeyLifecycle.cancelDeletion(key.record, arn: key.arn)
        // As AWS: an imported key whose material is gone comes back pending import, not disabled.
        if try await !KeyImport.hasCurrentMaterial(key.record, in: context.environment) { cancelled.state = .pendingImport }
        return Outcome(CancelKeyDeletionResponse(KeyId: key.arn), writes: cancelled.writes(replacing: key.record))
    }
}
