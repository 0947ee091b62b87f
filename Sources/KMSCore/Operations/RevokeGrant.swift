public import KMSProtocol

public enum RevokeGrant: KMSOperation {
    public static let name = OperationName.RevokeGrant
    public static let action = KMSAction("kms:RevokeGrant")
    public static let readOnly = false
    public static let keys: [KeySlot<RevokeGrantRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .readOnly),
    ]

    public static func validate(_ request: RevokeGrantRequest) throws(KMSError) {
        try Validate.length(request.GrantId, field: "grantId", in: 1...128)
        try GrantRules.validateID(request.GrantId)
    }

    public static func auditParameters(_ request: RevokeGrantRequest) -> AuditFields {
        ["keyId": .string(request.KeyId), "grantId": .string(request.GrantId), "dryRun": request.DryRun.map(AuditValue.bool)]
    }

    public static func perform(_ request: RevokeGrantRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<Empty> {
        let keyID = keys[.key].record.id
        let grants = try await context.environment.storage { try await $0.grants(for: keyID) }
        guard grants.contains(where: { $0.id == request.GrantId }) else {
            throw KMSError(.notFound, "Grant ID \(request.GrantId) not found")
        }
        return Outcome(Empty(), writes: [.deleteGrant(keyID: keyID, grantID: request.GrantId)])
    }
}
