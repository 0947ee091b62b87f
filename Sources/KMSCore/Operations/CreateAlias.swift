public import KMSProtocol

public enum CreateAlias: KMSOperation {
    public static let name = OperationName.CreateAlias
    public static let action = KMSAction("kms:CreateAlias")
    public static let readOnly = false
    public static let keys: [KeySlot<CreateAliasRequest>] = [
        KeySlot(.field(\.TargetKeyId, name: "targetKeyId", aliases: false), action: action, access: .management),
    ]

    public static func validate(_ request: CreateAliasRequest) throws(KMSError) {
        try AliasName.validateForWrite(request.AliasName)
    }

    public static func identityResources(_ request: CreateAliasRequest, in environment: ServiceEnvironment) -> [String] {
        [environment.aliasARN(request.AliasName)]
    }

    public static func auditParameters(_ request: CreateAliasRequest) -> AuditFields {
        ["aliasName": .string(request.AliasName), "targetKeyId": .string(request.TargetKeyId)]
    }

    public static func perform(_ request: CreateAliasRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<Empty> {
        let now = context.environment.now()
        let alias = AliasRecord(name: request.AliasName, targetKeyID: keys[.key].record.id, createdAt: now, updatedAt: now)
        return Outcome(Empty(), writes: [.createAlias(alias)])
    }
}
