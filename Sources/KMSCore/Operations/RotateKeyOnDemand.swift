public import KMSProtocol

public enum RotateKeyOnDemand: KMSOperation {
    public static let name = OperationName.RotateKeyOnDemand
    public static let action = KMSAction("kms:RotateKeyOnDemand")
    public static let readOnly = false
    public static let keys: [KeySlot<RotateKeyOnDemandRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .cryptographic, changesKey: true),
    ]

    public static func auditParameters(_ request: RotateKeyOnDemandRequest) -> AuditFields {
        ["keyId": .string(request.KeyId)]
    }

    /// Makes new material current at once, leaving the automatic schedule as it was, as AWS does.
    public static func perform(_ request: RotateKeyOnDemandRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<RotateKeyOnDemandResponse> {
        let key = keys[.key]
        let env = context.environment
        try KeyRotation.checkRotatable(key.record, arn: key.arn)
        let versions = try await env.storage { try await $0.keyVersions(of: key.record.id) }
        guard versions.count(where: { $0.rotationType == .onDemand }) < KeyRotation.onDemandLimit else {
            throw KMSError(.limitExceeded, "\(key.arn) has been rotated on demand \(KeyRotation.onDemandLimit) times, the most a key may be.")
        }
        return Outcome(RotateKeyOnDemandResponse(KeyId: key.arn), writes: try await KeyRotation.rotate(key.record, .onDemand, in: env))
    }
}
