public import KMSProtocol

public enum DeleteImportedKeyMaterial: KMSOperation {
    public static let name = OperationName.DeleteImportedKeyMaterial
    public static let action = KMSAction("kms:DeleteImportedKeyMaterial")
    public static let readOnly = false
    public static let keys: [KeySlot<DeleteImportedKeyMaterialRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .management, changesKey: true),
    ]

    public static func validate(_ request: DeleteImportedKeyMaterialRequest) throws(KMSError) {
        try Validate.keyMaterialID(request.KeyMaterialId)
    }

    public static func auditParameters(_ request: DeleteImportedKeyMaterialRequest) -> AuditFields {
        ["keyId": .string(request.KeyId), "keyMaterialId": request.KeyMaterialId.map(AuditValue.string)]
    }

    /// Deletes the named material, or the current one; deleting it again changes nothing.
    public static func perform(
        _ request: DeleteImportedKeyMaterialRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<DeleteImportedKeyMaterialResponse> {
        let key = keys[.key]
        let record = key.record
        let env = context.environment
        try KeyImport.checkExternal(record, arn: key.arn)
        let versions = try await env.storage { try await $0.keyVersions(of: record.id) }
        guard let target = KeyImport.version(request.KeyMaterialId, of: record, in: versions) else {
            throw request.KeyMaterialId.map { KMSError.notFound("\(key.arn) has no key material \($0).") }
                ?? KMSError(.invalidState, "\(key.arn) has no imported key material.")
        }
        let materialID = KeyRotation.materialID(of: record.id, version: target.version)
        let response = DeleteImportedKeyMaterialResponse(KeyId: key.arn, KeyMaterialId: materialID)
        guard target.imported?.isDeleted == false else { return Outcome(response) }
        env.keyStore.forget(record.id)
        return Outcome(response, writes: KeyImport.deleteMaterial(target, of: record))
    }
}
