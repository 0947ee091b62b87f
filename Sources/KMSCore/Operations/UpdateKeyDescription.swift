public import KMSProtocol

public enum UpdateKeyDescription: KMSOperation {
    public static let name = OperationName.UpdateKeyDescription
    public static let action = KMSAction("kms:UpdateKeyDescription")
    public static let readOnly = false
    public static let keys: [KeySlot<UpdateKeyDescriptionRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .management, changesKey: true),
    ]

    public static func validate(_ request: UpdateKeyDescriptionRequest) throws(KMSError) {
        try Validate.length(request.Description, field: "description", in: 0...8192)
    }

    public static func auditParameters(_ request: UpdateKeyDescriptionRequest) -> AuditFields {
        ["keyId": .string(request.KeyId), "description": .string(request.Description)]
    }

    public static func perform(
        _ request: UpdateKeyDescriptionRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<Empty> {
        let current = keys[.key].record
        var next = current
        next.description = request.Description
        return Outcome(Empty(), writes: next.writes(replacing: current))
    }
}
