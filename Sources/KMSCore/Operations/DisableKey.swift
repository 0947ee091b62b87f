public import KMSProtocol

public enum DisableKey: KMSOperation {
    public static let name = OperationName.DisableKey

    public static func handle(_ request: DisableKeyRequest, in context: OperationContext) async throws(KMSError) -> Empty {
        let env = context.environment
        let record = try await env.resolveKey(request.KeyId, allowAlias: false)
        let next = try KeyLifecycle.disable(record, arn: env.keyARN(record.id))
        if next != record { try await env.storage { try await $0.updateKey(next) } }
        return Empty()
    }
}
