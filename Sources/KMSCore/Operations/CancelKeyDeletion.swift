public import KMSProtocol

public enum CancelKeyDeletion: KMSOperation {
    public static let name = OperationName.CancelKeyDeletion

    public static func handle(_ request: CancelKeyDeletionRequest, in context: OperationContext) async throws(KMSError) -> CancelKeyDeletionResponse {
        let env = context.environment
        let record = try await env.resolveKey(request.KeyId, allowAlias: false)
        let next = try KeyLifecycle.cancelDeletion(record, arn: env.keyARN(record.id))
        try await env.storage { try await $0.updateKey(next) }
        return CancelKeyDeletionResponse(KeyId: env.keyARN(next.id))
    }
}
