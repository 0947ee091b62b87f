import Foundation
import KMSCrypto
public import KMSProtocol

public enum ImportKeyMaterial: KMSOperation {
    public static let name = OperationName.ImportKeyMaterial
    public static let action = KMSAction("kms:ImportKeyMaterial")
    public static let readOnly = false
    public static let keys: [KeySlot<ImportKeyMaterialRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .management, changesKey: true),
    ]

    static let expirationModels = [ExpirationModel.expires.rawValue, ExpirationModel.doesNotExpire.rawValue]
    static let importTypes = ["NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"]

    public static func validate(_ request: ImportKeyMaterialRequest) throws(KMSError) {
        try Validate.byteCount(request.ImportToken, field: "importToken", in: 1...6144)
        try Validate.byteCount(request.EncryptedKeyMaterial, field: "encryptedKeyMaterial", in: 1...6144)
        try Validate.enumeration(request.ExpirationModel, field: "expirationModel", allowed: expirationModels)
        try Validate.enumeration(request.ImportType, field: "importType", allowed: importTypes)
        try Validate.keyMaterialID(request.KeyMaterialId)
        if let description = request.KeyMaterialDescription {
            try Validate.length(description, field: "keyMaterialDescription", in: 0...256)
            let allowed: [ClosedRange<UInt32>] = [0x61...0x7A, 0x41...0x5A, 0x30...0x39, 0x3A...0x3A, 0x2F...0x2F, 0x5F...0x5F, 0x2E...0x2E, 0x2D...0x2D, 0x09...0x0D, 0x20...0x20]
            try Validate.pattern(description, field: "keyMaterialDescription", allowed: allowed, pattern: #"^[a-zA-Z0-9:/_\s.-]+$"#)
        }
        // AWS's default model is KEY_MATERIAL_EXPIRES, which needs a ValidTo.
        switch (expirationModel(request), request.ValidTo) {
        case (.expires, nil):
            throw KMSError.validation("A ValidTo date is required when ExpirationModel is KEY_MATERIAL_EXPIRES, the default.")
        case (.doesNotExpire, .some):
            throw KMSError.validation("ValidTo is not valid when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.")
        default:
            break
        }
        if request.ImportType == "NEW_KEY_MATERIAL", request.KeyMaterialId != nil {
            throw KMSError.validation("KeyMaterialId cannot be specified with ImportType NEW_KEY_MATERIAL.")
        }
    }

    static func expirationModel(_ request: ImportKeyMaterialRequest) -> ExpirationModel {
        request.ExpirationModel.flatMap(ExpirationModel.init(rawValue:)) ?? .expires
    }

    /// CloudTrail records the key, the expiry and the import's type and ID, never the token or the material.
    public static func auditParameters(_ request: ImportKeyMaterialRequest) -> AuditFields {
        [
            "keyId": .string(request.KeyId), "expirationModel": .string(expirationModel(request).rawValue),
            "validTo": request.ValidTo.map(AuditValue.date), "importType": request.ImportType.map(AuditValue.string),
            "keyMaterialDescription": request.KeyMaterialDescription.map(AuditValue.string),
            "keyMaterialId": request.KeyMaterialId.map(AuditValue.string),
        ]
    }

    public static func perform(
        _ request: ImportKeyMaterialRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<ImportKeyMaterialResponse> {
        let key = keys[.key]
        let record = key.record
        let env = context.environment
        try KeyImport.checkExternal(record, arn: key.arn)
        let now = env.now()
        let model = expirationModel(request)
        if let validTo = request.ValidTo, validTo <= now || validTo > now.addingTimeInterval(KeyImport.maximumValidity) {
            throw KMSError.validation("ValidTo must be in the future and at most 365 days from now.")
        }
        let versions = try await env.storage { try await $0.keyVersions(of: record.id) }
        let isNew = (request.ImportType ?? (versions.isEmpty ? "NEW_KEY_MATERIAL" : "EXISTING_KEY_MATERIAL")) == "NEW_KEY_MATERIAL"
        // Deleted material pending rotation was never the key's: new material takes its place.
        let abandoned = versions.first { $0.imported?.isPendingRotation == true && $0.imported?.isDeleted == true }
        let target: StoredKeyVersion?
        if isNew {
            target = nil
        } else {
            target = KeyImport.version(request.KeyMaterialId, of: record, in: versions)
            guard target != nil else {
                throw KMSError(.incorrectKeyMaterial, request.KeyMaterialId.map { "Key material \($0) is not associated with \(key.arn)." }
                    ?? "\(key.arn) has no key material to import again; use NEW_KEY_MATERIAL.")
            }
        }
        let versionNumber = target?.version ?? abandoned?.version ?? (versions.map(\.version).max() ?? 0) + 1
        let unwrapped = try await env.keyStore.importKeyVersion(
            of: record.id, version: versionNumber, spec: record.keySpec, token: Array(request.ImportToken),
            encryptedMaterial: request.EncryptedKeyMaterial, now: now
        )
        var imported = unwrapped.version
        let fingerprint = unwrapped.fingerprint
        var material = ImportedMaterial(
            fingerprint: fingerprint, expirationModel: model, validTo: request.ValidTo,
            description: request.KeyMaterialDescription ?? target?.imported?.description
        )
        var updated = record
        let writes: [StoreWrite]
        if let target {
            guard target.imported?.fingerprint == fingerprint else {
                throw KMSError(.incorrectKeyMaterial, "The key material is not the key material previously imported into \(key.arn).")
            }
            material.isPendingRotation = target.imported?.isPendingRotation ?? false
            imported.createdAt = target.createdAt
            imported.rotationType = target.rotationType
            imported.imported = material
            writes = [.replaceKeyVersion(imported)]
        } else {
            let associated = versions.filter { $0.version != abandoned?.version }
            guard !associated.contains(where: { $0.imported?.fingerprint == fingerprint }) else {
                throw KMSError(.incorrectKeyMaterial, "This key material is already associated with \(key.arn); import it as EXISTING_KEY_MATERIAL.")
            }
            if associated.isEmpty {
                updated.currentVersion = versionNumber
            } else {
                guard record.keySpec == .symmetricDefault else {
                    throw KMSError.validation("Only symmetric encryption keys take new key material; \(key.arn) is \(record.keySpec.rawValue).")
                }
                guard !associated.contains(where: { $0.imported?.isPendingRotation == true }) else {
                    throw KMSError(.invalidState, "\(key.arn) already has key material pending rotation; rotate it with RotateKeyOnDemand, or delete it, first.")
                }
                material.isPendingRotation = true
            }
            imported.imported = material
            writes = [abandoned == nil ? .addKeyVersion(imported) : .replaceKeyVersion(imported)]
        }
        if versionNumber == updated.currentVersion {
            updated.expirationModel = model
            updated.validTo = request.ValidTo
            if updated.state == .pendingImport { updated.state = .enabled }
        }
        return Outcome(
            ImportKeyMaterialResponse(KeyId: key.arn, KeyMaterialId: KeyRotation.materialID(of: record.id, version: versionNumber)),
            writes: writes + [.updateKey(updated)]
        )
    }
}
