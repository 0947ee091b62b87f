public import KMSProtocol

public enum ListAliases: KMSOperation {
    public static let name = OperationName.ListAliases
    public static let action = KMSAction("kms:ListAliases")
    public static let readOnly = true
    /// KeyId only filters the listing; kms:ListAliases is an action on the account, not on the key.
    public static let keys: [KeySlot<ListAliasesRequest>] = []

    public static func validate(_ request: ListAliasesRequest) throws(KMSError) {
        try Validate.value(request.Limit ?? 100, field: "limit", in: 1...1000)
        try Validate.marker(request.Marker)
        // Markers are the last alias name of the previous page.
        if let marker = request.Marker, !marker.hasPrefix(AliasName.prefix) {
            throw KMSError(.invalidMarker, "Invalid marker.")
        }
    }

    public static func auditParameters(_ request: ListAliasesRequest) -> AuditFields {
        [
            "keyId": request.KeyId.map(AuditValue.string),
            "limit": request.Limit.map(AuditValue.int),
            "marker": request.Marker.map(AuditValue.string),
        ]
    }

    public static func perform(_ request: ListAliasesRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<ListAliasesResponse> {
        let env = context.environment
        let limit = request.Limit ?? 100
        let keyID = try await request.KeyId.asyncMap { (raw) async throws(KMSError) -> KeyID in
            try await env.resolveKey(raw, allowAlias: false).id
        }
        let page = try await env.storage { try await $0.listAliases(for: keyID, after: request.Marker, limit: limit + 1) }
        let aliases = page.prefix(limit)
        let truncated = page.count > limit
        return Outcome(ListAliasesResponse(
            Aliases: aliases.map {
                AliasListEntry(
                    AliasName: $0.name, AliasArn: env.aliasARN($0.name), TargetKeyId: $0.targetKeyID.description,
                    CreationDate: $0.createdAt, LastUpdatedDate: $0.updatedAt
                )
            },
            NextMarker: truncated ? aliases.last?.name : nil,
            Truncated: truncated
        ))
    }
}
