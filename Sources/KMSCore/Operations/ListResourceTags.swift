public import KMSProtocol

public enum ListResourceTags: KMSOperation {
    public static let name = OperationName.ListResourceTags
    public static let action = KMSAction("kms:ListResourceTags")
    public static let readOnly = true
    public static let keys: [KeySlot<ListResourceTagsRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .readOnly),
    ]

    public static func validate(_ request: ListResourceTagsRequest) throws(KMSError) {
        try Validate.value(request.Limit ?? 50, field: "limit", in: 1...1000)
        try Validate.marker(request.Marker)
    }

    public static func auditParameters(_ request: ListResourceTagsRequest) -> AuditFields {
        ["keyId": .string(request.KeyId), "limit": request.Limit.map(AuditValue.int), "marker": request.Marker.map(AuditValue.string)]
    }

    /// Tags in the order they were first added, at most 50 a page (a larger
    /// Limit is accepted, as AWS does); the marker is the last tag key of the previous page.
    public static func perform(_ request: ListResourceTagsRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<ListResourceTagsResponse> {
        let page = try MarkerPage(keys[.key].record.tags, key: \.key, marker: request.Marker, limit: min(request.Limit ?? 50, 50))
        return Outcome(ListResourceTagsResponse(
            Tags: page.items.map { Tag(TagKey: $0.key, TagValue: $0.value) }, NextMarker: page.nextMarker, Truncated: page.truncated
        ))
    }
}
