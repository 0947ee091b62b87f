public import KMSProtocol

public enum UpdateKeyDescription: KMSOperation {
    public static let name = OperationName.UpdateKeyDescription

    public static func handle(_ request: UpdateKeyDescriptionRequest, in context: OperationContext) async throws(KMSError) -> Empty {
        let env = context.environment
        try Validate.length(request.Description, field: "description", in: 0...8192)
        var record = try await env.resolveKey(request.KeyId, allowAlias: false)
        try KeyLifecycle.check(.management, record, arn: env.keyARN(record.id))
        record.description = request.Description
        try await env.storage { try await $0.updateKey(record) }
        return Empty()
    }
}
