import Foundation
import KMSCrypto

/// Import of key material (Origin EXTERNAL) as AWS KMS does it: the rules
/// GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial and
/// the expiry sweep share.
enum KeyImport {
    /// How long an import token and its wrapping key are good for.
    static let parametersLifetime: TimeInterval = 24 * 3600
    /// The latest ValidTo AWS accepts, from the request's time.
    static let maximumValidity: TimeInterval = 365 * 86_400

    static func checkExternal(_ record: KeyRecord, arn: String) throws(KMSError) {
        guard record.origin == .external else {
            throw KMSError.unsupported("\(arn) has origin \(record.origin.rawValue); key material is imported only into keys of origin EXTERNAL.")
        }
    }

    /// The version whose KeyMaterialId is `materialID`, or without one the key's current version.
    static func version(_ materialID: String?, of record: KeyRecord, in versions: [StoredKeyVersion]) -> StoredKeyVersion? {
        guard let materialID else { return versions.first { $0.version == record.currentVersion } }
        return versions.first { KeyRotation.materialID(of: $0.keyID, version: $0.version) == materialID }
    }

    /// The writes that delete one version's imported material: its wrapped
    /// bytes are dropped for good, only its fingerprint stays (for a
    /// re-import), and a key whose current material goes is pending import.
    static func deleteMaterial(_ version: StoredKeyVersion, of record: KeyRecord) -> [StoreWrite] {
        var deleted = version
        deleted.material = []
        deleted.imported?.isDeleted = true
        var updated = record
        if version.version == record.currentVersion {
            if record.state != .pendingDeletion { updated.state = .pendingImport }
            updated.expirationModel = nil
            updated.validTo = nil
        }
        // The key's revision moves too, so that concurrent changes to its material serialize.
        return [.replaceKeyVersion(deleted), .updateKey(updated)]
    }

    /// Whether the key's current material can be used: for imported keys, whether it was ever imported and is not deleted.
    static func hasCurrentMaterial(_ record: KeyRecord, in environment: ServiceEnvironment) async throws(KMSError) -> Bool {
        guard record.origin == .external else { return true }
        guard record.currentVersion > 0,
              let current = try await environment.storage({ try await $0.keyVersion(record.id, version: record.currentVersion) })
        else { return false }
        return current.imported?.isDeleted != true
    }
}

/// Deletes imported material whose ValidTo has passed, as AWS does; the key
/// is then pending import until the same material is imported again. The
/// server runs it periodically; tests call it with a moved clock. Each
/// deletion is committed with its record, a `DeleteExpiredKeyMaterial` service event.
public struct ImportedMaterialExpirySweep: Sendable {
    public let environment: ServiceEnvironment
    public let audit: any AuditSink

    public init(environment: ServiceEnvironment, audit: any AuditSink) {
        self.environment = environment
        self.audit = audit
    }

    /// Deletes all material expired by now; returns the keys whose material was deleted.
    @discardableResult
    public func run() async throws -> [KeyID] {
        let now = environment.now()
        var expired: [KeyID] = []
        for candidate in try await environment.store.importedVersionsExpiring(by: now) {
            // The record first, then the version afresh: a re-import in between moves the
            // record's revision, so the compare-and-swap below cannot delete new material.
            guard let record = try await environment.store.key(candidate.keyID),
                  let version = try await environment.store.keyVersion(candidate.keyID, version: candidate.version),
                  let imported = version.imported, !imported.isDeleted, imported.expirationModel == .expires,
                  let validTo = imported.validTo, validTo <= now
            else { continue }
            let writes = KeyImport.deleteMaterial(version, of: record)
            if try await audit.commit(writes, recording: environment.serviceEvent("DeleteExpiredKeyMaterial", on: record.id, at: now)) {
                environment.keyStore.forget(record.id)
                expired.append(record.id)
            }
        }
        return expired
    }
}
