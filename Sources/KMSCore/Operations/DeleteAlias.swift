public import KMSProtocol

public enum DeleteAlias: KMSOperation {
    public static let name = OperationName.DeleteAlias

    public static func handle(_ request: DeleteAliasRequest, in context: OperationContext) async throws(KMSError) -> Empty {
        let env = context.environment
        try AliasName.validateForWrite(request.AliasName)
        guard try await env.storage({ try await $0.alias(named: request.AliasName) }) != nil else {
            throw KMSError.notFound("Alias \(env.aliasARN(request.AliasName)) is not found.")
        }
        try await env.storage { try await $0.deleteAlias(named: request.AliasName) }
        return Empty()
    }
}
