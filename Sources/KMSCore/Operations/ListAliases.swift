public import KMSProtocol

public enum ListAliases: KMSOperation {
    public static let name = OperationName.ListAliases

    public static func handle(_ request: ListAliasesRequest, in context: OperationContext) async throws(KMSError) -> ListAliasesResponse {
        let env = context.environment
        let limit = request.Limit ?? 100
        try Validate.value(limit, field: "limit", in: 1...1000)
        let keyID = try await request.KeyId.asyncMap { (raw) async throws(KMSError) -> KeyID in
            try await env.resolveKey(raw, allowAlias: false).id
        }
        // Markers are the last alias name of the previous page.
        if let marker = request.Marker, !marker.hasPrefix(AliasName.prefix) {
            throw KMSError(.invalidMarker, "Invalid marker.")
        }
        let page = try await env.storage { try await $0.listAliases(for: keyID, after: request.Marker, limit: limit + 1) }
        let aliases = page.prefix(limit)
        let truncated = page.count > limit
        return ListAliasesResponse(
            Aliases: aliases.map {
                AliasListEntry(
                    AliasName: $0.name, AliasArn: env.aliasARN($0.name), TargetKeyId: $0.targetKeyID.description,
                    CreationDate: $0.createdAt, LastUpdatedDate: $0.updatedAt
                )
            },
            NextMarker: truncated ? aliases.last?.name : nil,
            Truncated: truncated
        )
    }
}

extension Optional {
    func asyncMap<U, E: Error>(_ transform: (Wrapped) async throws(E) -> U) async throws(E) -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
