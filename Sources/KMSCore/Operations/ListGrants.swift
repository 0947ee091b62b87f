public import KMSProtocol

public enum ListGrants: KMSOperation {
    public static let name = OperationName.ListGrants
    public static let action = KMSAction("kms:ListGrants")
    public static let readOnly = true
    public static let keys: [KeySlot<ListGrantsRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .readOnly),
    ]

    public static func validate(_ request: ListGrantsRequest) throws(KMSError) {
        try Validate.value(request.Limit ?? 50, field: "limit", in: 1...100)
        try Validate.marker(request.Marker)
        if let id = request.GrantId { try Validate.length(id, field: "grantId", in: 1...128) }
        if let grantee = request.GranteePrincipal { try GrantRules.validatePrincipal(grantee, field: "granteePrincipal") }
    }

    public static func auditParameters(_ request: ListGrantsRequest) -> AuditFields {
        [
            "keyId": .string(request.KeyId), "grantId": request.GrantId.map(AuditValue.string),
            "granteePrincipal": request.GranteePrincipal.map(AuditValue.string), "limit": request.Limit.map(AuditValue.int),
            "marker": request.Marker.map(AuditValue.string),
        ]
    }

    public static func perform(_ request: ListGrantsRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<ListGrantsResponse> {
        let all = try await context.environment.storage { try await $0.grants(for: keys[.key].record.id) }
        let matching = all.filter { grant in
            (request.GrantId.map { $0 == grant.id } ?? true) && (request.GranteePrincipal.map { $0 == grant.granteePrincipal } ?? true)
        }
        return Outcome(try GrantRules.page(matching, limit: request.Limit, marker: request.Marker, in: context.environment))
    }
}
