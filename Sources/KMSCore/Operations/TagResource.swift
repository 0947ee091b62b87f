public import KMSProtocol

public enum TagResource: KMSOperation {
    public static let name = OperationName.TagResource
    public static let action = KMSAction("kms:TagResource")
    public static let readOnly = false
    public static let keys: [KeySlot<TagResourceRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .management, changesKey: true),
    ]

    public static func validate(_ request: TagResourceRequest) throws(KMSError) {
        _ = try KeyTags.validate(request.Tags)
    }

    public static func conditions(_ request: TagResourceRequest) -> [String: [String]] {
        KeyTags.conditions(request.Tags)
    }

    public static func auditParameters(_ request: TagResourceRequest) -> AuditFields {
        ["keyId": .string(request.KeyId), "tags": KeyTags.audit(request.Tags)]
    }

    /// Adds tags and replaces the values of keys the key already has; the key keeps at most 50.
    public static func perform(_ request: TagResourceRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<Empty> {
        var updated = keys[.key].record
        for tag in try KeyTags.validate(request.Tags) {
            if let index = updated.tags.firstIndex(where: { $0.key == tag.key }) {
                updated.tags[index].value = tag.value
            } else {
                updated.tags.append(tag)
            }
        }
        try KeyTags.checkCount(updated.tags.count)
        return Outcome(Empty(), writes: [.updateKey(updated)])
    }
}
