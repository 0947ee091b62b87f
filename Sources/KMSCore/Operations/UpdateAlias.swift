public import KMSProtocol

public enum UpdateAlias: KMSOperation {
    public static let name = OperationName.UpdateAlias
    public static let action = KMSAction("kms:UpdateAlias")
    public static let readOnly = false
    public static let keys: [KeySlot<UpdateAliasRequest>] = [
        KeySlot(.aliasTarget(\.AliasName), role: .currentTarget, action: action, access: .readOnly),
        KeySlot(.field(\.TargetKeyId, name: "targetKeyId", aliases: false), action: action, access: .management),
    ]

    public static func validate(_ request: UpdateAliasRequest) throws(KMSError) {
        try AliasName.validateForWrite(request.AliasName)
    }

    public static func identityResources(_ request: UpdateAliasRequest, in environment: ServiceEnvironment) -> [String] {
        [environment.aliasARN(request.AliasName)]
    }

    public static func auditParameters(_ request: UpdateAliasRequest) -> AuditFields {
        ["aliasName": .string(request.AliasName), "targetKeyId": .string(request.TargetKeyId)]
    }

    public static func perform(_ request: UpdateAliasRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<Empty> {
        let current = keys[.currentTarget].record
        let target = keys[.key].record
        // An alias may only move between keys of the same type and usage, so
        // that code using it keeps working.
        guard current.keySpec == target.keySpec, current.keyUsage == target.keyUsage else {
            throw KMSError.validation("The new target key must have the same key spec and key usage as the current one.")
        }
        return Outcome(Empty(), writes: [.updateAlias(named: request.AliasName, targetKeyID: target.id, updatedAt: context.environment.now())])
    }
}
