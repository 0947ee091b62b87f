public import KMSProtocol

/// An action on the account (identity policies decide), listing across keys.
public enum ListRetirableGrants: KMSOperation {
    public static let name = OperationName.ListRetirableGrants
    public static let action = KMSAction("kms:ListRetirableGrants")
    public static let readOnly = true
    public static let keys: [KeySlot<ListRetirableGrantsRequest>] = []

    public static func validate(_ request: ListRetirableGrantsRequest) throws(KMSError) {
        try Validate.value(request.Limit ?? 50, field: "limit", in: 1...100)
        try Validate.marker(request.Marker)
        try GrantRules.validatePrincipal(request.RetiringPrincipal, field: "retiringPrincipal")
    }

    public static func auditParameters(_ request: ListRetirableGrantsRequest) -> AuditFields {
        ["retiringPrincipal": .string(request.RetiringPrincipal), "limit": request.Limit.map(AuditValue.int), "marker": request.Marker.map(AuditValue.string)]
    }

    public static func perform(_ request: ListRetirableGrantsRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<ListGrantsResponse> {
        let grants = try await context.environment.storage { try await $0.grants(retirableBy: request.RetiringPrincipal) }
        return Outcome(try GrantRules.page(grants, limit: request.Limit, marker: request.Marker, in: context.environment))
    }
}
