public import KMSProtocol

public enum DeleteAlias: KMSOperation {
    public static let name = OperationName.DeleteAlias
    public static let action = KMSAction("kms:DeleteAlias")
    public static let readOnly = false
    public static let keys: [KeySlot<DeleteAliasRequest>] = [
        KeySlot(.aliasTarget(\.AliasName), action: action, access: .readOnly),
    ]

    public static func validate(_ request: DeleteAliasRequest) throws(KMSError) {
        try AliasName.validateForWrite(request.AliasName)
    }

    public static func identityResources(_ request: DeleteAliasRequest, in environment: ServiceEnvironment) -> [String] {
        [environment.aliasARN(request.AliasName)]
    }

    public static func auditParameters(_ request: DeleteAliasRequest) -> AuditFields {
        ["aliasName": .string(request.AliasName)]
    }

    public static func perform(_ request: DeleteAliasRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<Empty> {
        Outcome(Empty(), writes: [.deleteAlias(named: request.AliasName)])
    }
}
