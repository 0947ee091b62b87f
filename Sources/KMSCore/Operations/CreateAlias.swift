public import KMSProtocol

public enum CreateAlias: KMSOperation {
    public static let name = OperationName.CreateAlias

    public static func handle(_ request: CreateAliasRequest, in context: OperationContext) async throws(KMSError) -> Empty {
        let env = context.environment
        try AliasName.validateForWrite(request.AliasName)
        let target = try await env.resolveKey(request.TargetKeyId, field: "targetKeyId", allowAlias: false)
        try KeyLifecycle.check(.management, target, arn: env.keyARN(target.id))
        let now = env.now()
        let alias = AliasRecord(name: request.AliasName, targetKeyID: target.id, createdAt: now, updatedAt: now)
        try await env.storage { try await $0.createAlias(alias) }
        return Empty()
    }
}
