public import KMSProtocol

/// Retires a grant named by its token, or by key and grant ID. Who may
/// retire it is decided by the grant itself, so the operation authorizes
/// itself once it has found the grant: its retiring principal, its grantee
/// when the grant includes RetireGrant, or a caller a policy allows
/// `kms:RetireGrant` on the key.
public enum RetireGrant: KMSOperation {
    public static let name = OperationName.RetireGrant
    public static let action = KMSAction("kms:RetireGrant")
    public static let readOnly = false
    public static let keys: [KeySlot<RetireGrantRequest>] = []
    public static let authorizesItself = true

    public static func validate(_ request: RetireGrantRequest) throws(KMSError) {
        if let token = request.GrantToken { try Validate.length(token, field: "grantToken", in: 1...8192) }
        if let id = request.GrantId {
            try Validate.length(id, field: "grantId", in: 1...128)
            try GrantRules.validateID(id)
        }
        if let keyID = request.KeyId { try Validate.length(keyID, field: "keyId", in: 1...2048) }
        guard request.GrantToken != nil || (request.KeyId != nil && request.GrantId != nil) else {
            throw KMSError.validation("Either GrantToken, or both KeyId and GrantId, must be specified.")
        }
    }

    public static func auditParameters(_ request: RetireGrantRequest) -> AuditFields {
        ["keyId": request.KeyId.map(AuditValue.string), "grantId": request.GrantId.map(AuditValue.string), "dryRun": request.DryRun.map(AuditValue.bool)]
    }

    public static func perform(_ request: RetireGrantRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<Empty> {
        let env = context.environment
        let grant: GrantRecord
        if let token = request.GrantToken {
            guard let found = try await env.storage({ try await $0.grant(token: token) }) else {
                throw KMSError(.invalidGrantToken, "The grant token is not valid.")
            }
            if let keyID = request.KeyId, try await env.resolveKey(keyID, allowAlias: false).id != found.keyID {
                throw KMSError(.invalidGrantToken, "The grant token is not valid for key \(keyID).")
            }
            grant = found
        } else {
            let key = try await env.resolveKey(request.KeyId ?? "", allowAlias: false)
            let grants = try await env.storage { try await $0.grants(for: key.id) }
            guard let found = grants.first(where: { $0.id == request.GrantId }) else {
                throw KMSError.notFound("Grant ID \(request.GrantId ?? "") not found for key \(key.id).")
            }
            grant = found
        }
        try await authorize(grant, in: context)
        if request.DryRun == true {
            throw KMSError(.dryRun, "The request would have succeeded, but the DryRun flag is set.")
        }
        return Outcome(Empty(), writes: [.deleteGrant(keyID: grant.keyID, grantID: grant.id)])
    }

    private static func authorize(_ grant: GrantRecord, in context: OperationContext) async throws(KMSError) {
        let caller = context.request.principal
        let names: (String) -> Bool = { $0 == caller.arn || $0 == caller.session?.roleARN }
        if grant.retiringPrincipal.map(names) == true { return }
        if names(grant.granteePrincipal), grant.operations.contains("RetireGrant") { return }
        let env = context.environment
        guard let record = try await env.storage({ try await $0.key(grant.keyID) }) else {
            throw KMSError.notFound("Key '\(env.keyARN(grant.keyID))' does not exist")
        }
        try await context.authorizer.authorize(AuthorizationRequest(
            action: action, resource: env.keyARN(grant.keyID), key: ResolvedKey(record: record, arn: env.keyARN(grant.keyID), ciphertext: nil),
            context: context.request
        ))
    }
}
