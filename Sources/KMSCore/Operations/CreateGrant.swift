public import KMSProtocol

public enum CreateGrant: KMSOperation {
    public static let name = OperationName.CreateGrant
    public static let action = KMSAction("kms:CreateGrant")
    public static let readOnly = false
    public static let keys: [KeySlot<CreateGrantRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .management),
    ]

    public static func validate(_ request: CreateGrantRequest) throws(KMSError) {
        try GrantRules.validatePrincipal(request.GranteePrincipal, field: "granteePrincipal")
        if let retiring = request.RetiringPrincipal { try GrantRules.validatePrincipal(retiring, field: "retiringPrincipal") }
        try GrantRules.validateOperations(request.Operations)
        if let name = request.Name {
            try Validate.length(name, field: "name", in: 1...256)
            try Validate.pattern(name, field: "name", allowed: GrantRules.nameCharacters, pattern: "^[a-zA-Z0-9:/_-]+$")
        }
        try Validate.grantTokens(request.GrantTokens)
    }

    public static func conditions(_ request: CreateGrantRequest) -> [String: [String]] {
        var conditions: [String: [String]] = [
            "kms:GrantOperations": request.Operations,
            "kms:GrantIsForAWSResource": ["false"],
        ]
        if let constraints = request.Constraints {
            conditions["kms:GrantConstraintType"] = [
                constraints.EncryptionContextEquals.map { _ in "EncryptionContextEquals" },
                constraints.EncryptionContextSubset.map { _ in "EncryptionContextSubset" },
            ].compactMap { $0 }
        }
        return conditions
    }

    public static func auditParameters(_ request: CreateGrantRequest) -> AuditFields {
        [
            "keyId": .string(request.KeyId),
            "granteePrincipal": .string(request.GranteePrincipal),
            "retiringPrincipal": request.RetiringPrincipal.map(AuditValue.string),
            "operations": .list(request.Operations.map(AuditValue.string)),
            "constraints": request.Constraints.map(GrantRules.auditConstraints),
            "name": request.Name.map(AuditValue.string),
            "dryRun": request.DryRun.map(AuditValue.bool),
        ]
    }

    public static func auditResponse(_ response: CreateGrantResponse, in environment: ServiceEnvironment) -> AuditFields? {
        ["grantId": .string(response.GrantId)]
    }

    public static func perform(_ request: CreateGrantRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<CreateGrantResponse> {
        let key = keys[.key]
        let env = context.environment
        let constraints = request.Constraints.map {
            GrantConstraints(EncryptionContextEquals: $0.EncryptionContextEquals, EncryptionContextSubset: $0.EncryptionContextSubset)
        }
        let operations = Array(Set(request.Operations)).sorted()
        try await requireGrantableByCaller(operations, constraints, on: key, in: context)
        // A named grant is idempotent: the same name and parameters give the same grant.
        if let name = request.Name {
            let existing = try await env.storage { try await $0.grants(for: key.record.id) }
            if let same = existing.first(where: {
                $0.name == name && $0.granteePrincipal == request.GranteePrincipal && $0.retiringPrincipal == request.RetiringPrincipal
                    && $0.operations == operations && $0.constraints == constraints
            }) {
                return Outcome(CreateGrantResponse(GrantToken: same.token, GrantId: same.id))
            }
        }
        let grant = GrantRecord(
            id: GrantRules.newID(), keyID: key.record.id, token: GrantRules.newToken(), name: request.Name,
            granteePrincipal: request.GranteePrincipal, retiringPrincipal: request.RetiringPrincipal, operations: operations,
            constraints: constraints, issuingAccount: env.accountID, createdAt: env.now()
        )
        return Outcome(CreateGrantResponse(GrantToken: grant.token, GrantId: grant.id), writes: [.createGrant(grant)])
    }

    /// A caller allowed kms:CreateGrant only through a grant may pass on no
    /// more than that grant holds: a subset of its operations, under its
    /// constraints. Otherwise a grantee could grant itself anything.
    private static func requireGrantableByCaller(
        _ operations: [String], _ constraints: GrantConstraints?, on key: ResolvedKey, in context: OperationContext
    ) async throws(KMSError) {
        var byPolicy = AuthorizationRequest(action: action, resource: key.arn, key: key, context: context.request)
        byPolicy.considersGrants = false
        do {
            try await context.authorizer.authorize(byPolicy)
            return
        } catch where error.code == .accessDenied {}
        let caller = context.request.principal
        let grants = try await context.environment.storage { try await $0.grants(for: key.record.id) }
        let covered = grants.contains { grant in
            (grant.granteePrincipal == caller.arn || grant.granteePrincipal == caller.session?.roleARN)
                && grant.operations.contains("CreateGrant") && Set(operations).isSubset(of: grant.operations)
                && (grant.constraints == nil || grant.constraints == constraints)
        }
        guard covered else {
            throw KMSError(
                .accessDenied,
                "User: \(caller.arn) is not authorized to perform: kms:CreateGrant on resource: \(key.arn) because the grant that allows it does not hold every requested operation under the same constraints"
            )
        }
    }
}
