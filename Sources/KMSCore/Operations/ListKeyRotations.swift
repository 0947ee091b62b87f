public import KMSProtocol

public enum ListKeyRotations: KMSOperation {
    public static let name = OperationName.ListKeyRotations
    public static let action = KMSAction("kms:ListKeyRotations")
    public static let readOnly = true
    public static let keys: [KeySlot<ListKeyRotationsRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .management),
    ]

    static let includeKeyMaterial = ["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"]

    public static func validate(_ request: ListKeyRotationsRequest) throws(KMSError) {
        try Validate.value(request.Limit ?? 100, field: "limit", in: 1...1000)
        try Validate.marker(request.Marker)
        try Validate.enumeration(request.IncludeKeyMaterial, field: "includeKeyMaterial", allowed: includeKeyMaterial)
    }

    public static func auditParameters(_ request: ListKeyRotationsRequest) -> AuditFields {
        [
            "keyId": .string(request.KeyId), "includeKeyMaterial": request.IncludeKeyMaterial.map(AuditValue.string),
            "limit": request.Limit.map(AuditValue.int), "marker": request.Marker.map(AuditValue.string),
        ]
    }

    /// Rotations oldest first (with ALL_KEY_MATERIAL, the key's first material and imported material
    /// pending rotation too); the marker is the last KeyMaterialId of the previous page.
    public static func perform(_ request: ListKeyRotationsRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<ListKeyRotationsResponse> {
        let key = keys[.key]
        try KeyRotation.checkRotatable(key.record, arn: key.arn, automatically: false)
        let record = key.record
        let includeAll = request.IncludeKeyMaterial == "ALL_KEY_MATERIAL"
        let versions = try await context.environment.storage { try await $0.keyVersions(of: record.id) }
            .filter { version in
                // Deleted material that was pending rotation was never the key's.
                if let imported = version.imported, imported.isPendingRotation { return includeAll && !imported.isDeleted }
                return includeAll || version.rotationType != nil
            }
        let entries = versions.map { version in
            var entry = RotationsListEntry(
                KeyId: key.arn, KeyMaterialId: KeyRotation.materialID(of: record.id, version: version.version),
                KeyMaterialState: version.imported?.isPendingRotation == true
                    ? "PENDING_ROTATION" : version.version == record.currentVersion ? "CURRENT" : "NON_CURRENT",
                RotationDate: version.rotationType == nil ? nil : version.createdAt, RotationType: version.rotationType?.rawValue
            )
            if let imported = version.imported {
                entry.ImportState = imported.isDeleted ? "PENDING_IMPORT" : "IMPORTED"
                entry.ExpirationModel = imported.expirationModel.rawValue
                entry.ValidTo = imported.validTo
                entry.KeyMaterialDescription = imported.description
            }
            return entry
        }
        let page = try MarkerPage(entries, key: \.KeyMaterialId, marker: request.Marker, limit: request.Limit ?? 100)
        return Outcome(ListKeyRotationsResponse(Rotations: Array(page.items), NextMarker: page.nextMarker, Truncated: page.truncated))
    }
}
