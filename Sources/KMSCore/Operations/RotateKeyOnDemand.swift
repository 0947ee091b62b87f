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

    /// Makes new material current at once, leaving the automatic schedule as it was, as AWS does:
    /// generated material, or for a key of origin EXTERNAL the material imported to rotate to.
    public static func perform(_ request: RotateKeyOnDemandRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<RotateKeyOnDemandResponse> {
        let key = keys[.key]
        let env = context.environment
        try KeyRotation.checkRotatable(key.record, arn: key.arn, automatically: false)
        let versions = try await env.storage { try await $0.keyVersions(of: key.record.id) }
        guard versions.count(where: { $0.rotationType == .onDemand }) < KeyRotation.onDemandLimit else {
            throw KMSError(.limitExceeded, "\(key.arn) has been rotated on demand \(KeyRotation.onDemandLimit) times, the most a key may be.")
        }
        guard key.record.origin == .external else {
            return Outcome(RotateKeyOnDemandResponse(KeyId: key.arn), writes: try await KeyRotation.rotate(key.record, .onDemand, in: env))
        }
        // Imported material rotates to material imported for it (ImportType NEW_KEY_MATERIAL).
        guard let pending = versions.first(where: { $0.imported?.isPendingRotation == true && $0.imported?.isDeleted == false }) else {
            throw KMSError(.invalidState, "\(key.arn) has no key material in PENDING_ROTATION state; import new key material (ImportType NEW_KEY_MATERIAL) first.")
        }
        return Outcome(RotateKeyOnDemandResponse(KeyId: key.arn), writes: KeyRotation.promote(pending, of: key.record, now: env.now()))
    }
}
