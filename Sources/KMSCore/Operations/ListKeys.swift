public import KMSProtocol

public enum ListKeys: KMSOperation {
    public static let name = OperationName.ListKeys
    public static let action = KMSAction("kms:ListKeys")
    public static let readOnly = true
    public static let keys: [KeySlot<ListKeysRequest>] = []

    public static func validate(_ request: ListKeysRequest) throws(KMSError) {
        try Validate.value(request.Limit ?? 100, field: "limit", in: 1...1000)
        try Validate.marker(request.Marker)
        _ = try marker(request.Marker)
    }

    public static func auditParameters(_ request: ListKeysRequest) -> AuditFields {
        ["limit": request.Limit.map(AuditValue.int), "marker": request.Marker.map(AuditValue.string)]
    }

    public static func perform(_ request: ListKeysRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<ListKeysResponse> {
        let env = context.environment
        let limit = request.Limit ?? 100
        let after = try marker(request.Marker)
        // One extra row tells whether another page exists.
        let page = try await env.storage { try await $0.listKeys(after: after, limit: limit + 1) }
        let ids = page.prefix(limit)
        let truncated = page.count > limit
        return Outcome(ListKeysResponse(
            Keys: ids.map { KeyListEntry(KeyId: $0.description, KeyArn: env.keyARN($0)) },
            NextMarker: truncated ? ids.last?.description : nil,
            Truncated: truncated
        ))
    }

    /// Markers are the last key ID of the previous page.
    private static func marker(_ raw: String?) throws(KMSError) -> KeyID? {
        guard let raw else { return nil }
        guard let id = KeyID(raw) else { throw KMSError(.invalidMarker, "Invalid marker.") }
        return id
    }
}
