public import KMSProtocol

public enum ListKeys: KMSOperation {
    public static let name = OperationName.ListKeys

    public static func handle(_ request: ListKeysRequest, in context: OperationContext) async throws(KMSError) -> ListKeysResponse {
        let env = context.environment
        let limit = request.Limit ?? 100
        try Validate.value(limit, field: "limit", in: 1...1000)
        let marker = try request.Marker.map { (raw) throws(KMSError) -> KeyID in
            // Markers are the last key ID of the previous page.
            guard let id = KeyID(raw) else { throw KMSError(.invalidMarker, "Invalid marker.") }
            return id
        }
        // One extra row tells whether another page exists.
        let page = try await env.storage { try await $0.listKeys(after: marker, limit: limit + 1) }
        let keys = page.prefix(limit)
        let truncated = page.count > limit
        return ListKeysResponse(
            Keys: keys.map { KeyListEntry(KeyId: $0.id.description, KeyArn: env.keyARN($0.id)) },
            NextMarker: truncated ? keys.last?.id.description : nil,
            Truncated: truncated
        )
    }
}
