public import KMSProtocol

public enum UpdateKeyDescription: KMSOperation {
    public static let name = OperationName.UpdateKeyDescription

    public static func handle(_ request: UpdateKeyDescriptionRequest, in context: OperationContext) async throws(KMSError) -> Empty {
        let env = context.environment
        try Validate.length(request.Description, field: "description", in: 0...8192)
        try await env.updateKey(request.KeyId) { (record) throws(KMSError) in
            try KeyLifecycle.check(.management, record, arn: env.keyARN(record.id))
            var next = record
            next.description = request.Description
            return next
        }
        return Empty()
    }
}
