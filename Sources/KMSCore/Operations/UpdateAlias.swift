public import KMSProtocol

public enum UpdateAlias: KMSOperation {
    public static let name = OperationName.UpdateAlias

    public static func handle(_ request: UpdateAliasRequest, in context: OperationContext) async throws(KMSError) -> Empty {
        let env = context.environment
        try AliasName.validateForWrite(request.AliasName)
        guard var alias = try await env.storage({ try await $0.alias(named: request.AliasName) }) else {
            throw KMSError.notFound("Alias \(env.aliasARN(request.AliasName)) is not found.")
        }
        let target = try await env.resolveKey(request.TargetKeyId, field: "targetKeyId", allowAlias: false)
        try KeyLifecycle.check(.management, target, arn: env.keyARN(target.id))
        // An alias may only move between keys of the same type and usage, so
        // that code using it keeps working.
        if let current = try await env.storage({ try await $0.key(alias.targetKeyID) }),
           current.keySpec != target.keySpec || current.keyUsage != target.keyUsage {
            throw KMSError.validation("The new target key must have the same key spec and key usage as the current one.")
        }
        alias.targetKeyID = target.id
        alias.updatedAt = env.now()
        try await env.storage { try await $0.updateAlias(alias) }
        return Empty()
    }
}
