public import KMSProtocol

public enum UntagResource: KMSOperation {
    public static let name = OperationName.UntagResource
    public static let action = KMSAction("kms:UntagResource")
    public static let readOnly = false
    public static let keys: [KeySlot<UntagResourceRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .management, changesKey: true),
    ]

    public static func validate(_ request: UntagResourceRequest) throws(KMSError) {
        for key in request.TagKeys { try Validate.length(key, field: "tagKeys.member", in: 1...128) }
    }

    public static func conditions(_ request: UntagResourceRequest) -> [String: [String]] {
        ["aws:TagKeys": request.TagKeys]
    }

    public static func auditParameters(_ request: UntagResourceRequest) -> AuditFields {
        ["keyId": .string(request.KeyId), "tagKeys": .list(request.TagKeys.map(AuditValue.string))]
    }

    /// Removes the named tags; naming a tag the key does not have is no error, as in AWS.
    public static func perform(_ request: UntagResourceRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<Empty> {
        var updated = keys[.key].record
        let removed = Set(request.TagKeys)
        updated.tags.removeAll { removed.contains($0.key) }
        return Outcome(Empty(), writes: [.updateKey(updated)])
    }
}
