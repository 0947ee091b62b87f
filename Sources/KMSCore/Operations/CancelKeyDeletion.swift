public import KMSProtocol

public enum CancelKeyDeletion: KMSOperation {
    public static let name = OperationName.CancelKeyDeletion

    public static func handle(_ request: CancelKeyDeletionRequest, in context: OperationContext) async throws(KMSError) -> CancelKeyDeletionResponse {
        let env = context.environment
        let cancelled = try await env.updateKey(request.KeyId) { (record) throws(KMSError) in
            try KeyLifecycle.cancelDeletion(record, arn: env.keyARN(record.id))
        }
        return CancelKeyDeletionResponse(KeyId: env.keyARN(cancelled.id))
    }
}
