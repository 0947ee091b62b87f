public import KMSProtocol

public enum DisableKey: KMSOperation {
    public static let name = OperationName.DisableKey

    public static func handle(_ request: DisableKeyRequest, in context: OperationContext) async throws(KMSError) -> Empty {
        let env = context.environment
        try await env.updateKey(request.KeyId) { (record) throws(KMSError) in
            try KeyLifecycle.disable(record, arn: env.keyARN(record.id))
        }
        return Empty()
    }
}
