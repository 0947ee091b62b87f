public import KMSProtocol

public enum EnableKey: KMSOperation {
    public static let name = OperationName.EnableKey

    public static func handle(_ request: EnableKeyRequest, in context: OperationContext) async throws(KMSError) -> Empty {
        let env = context.environment
        try await env.updateKey(request.KeyId) { (record) throws(KMSError) in
            try KeyLifecycle.enable(record, arn: env.keyARN(record.id))
        }
        return Empty()
    }
}
