import Foundation
import KMSCrypto

/// Rotation as AWS KMS does it: a new version of the key material becomes
/// current, and every earlier version is kept for as long as the key exists,
/// so ciphertexts made under it still decrypt.
enum KeyRotation {
    static let defaultPeriodInDays = 365
    static let periods = 90...2560
    /// AWS's quota of on-demand rotations per key.
    static let onDemandLimit = 25

    /// Only symmetric keys rotate: automatically those whose material Trent
    /// made, on demand also those with imported material, as AWS allows.
    static func checkRotatable(_ record: KeyRecord, arn: String, automatically: Bool) throws(KMSError) {
        guard record.keySpec == .symmetricDefault else {
            throw KMSError.unsupported("\(arn) cannot be rotated: only symmetric encryption keys rotate.")
        }
        guard record.origin == .awsKMS || (record.origin == .external && !automatically) else {
            throw KMSError.unsupported("\(arn) has origin \(record.origin.rawValue), whose key material does not rotate automatically.")
        }
    }

    /// The writes that make imported material pending rotation current (RotateKeyOnDemand on an EXTERNAL key).
    static func promote(_ pending: StoredKeyVersion, of record: KeyRecord, now: Date) -> [StoreWrite] {
        var promoted = pending
        promoted.imported?.isPendingRotation = false
        promoted.rotationType = .onDemand
        promoted.createdAt = now
        var updated = record
        updated.currentVersion = pending.version
        updated.expirationModel = pending.imported?.expirationModel
        updated.validTo = pending.imported?.validTo
        return [.replaceKeyVersion(promoted), .updateKey(updated)]
    }

    /// The writes that make a new version current, to commit together. An
    /// automatic rotation also moves the schedule on one period.
    static func rotate(_ record: KeyRecord, _ type: RotationType, in environment: ServiceEnvironment) async throws(KMSError) -> [StoreWrite] {
        let now = environment.now()
        var version = try await environment.keyStore.createKeyVersion(of: record.id, version: record.currentVersion + 1, spec: record.keySpec, now: now)
        version.rotationType = type
        var updated = record
        updated.currentVersion = version.version
        if type == .automatic, let period = record.rotationPeriodInDays {
            updated.nextRotationDate = now.addingTimeInterval(Double(period) * 86_400)
        }
        return [.addKeyVersion(version), .updateKey(updated)]
    }

    /// A stable identifier for one version's material, 64 hex digits as AWS writes KeyMaterialId.
    static func materialID(of keyID: KeyID, version: UInt32) -> String {
        sha256Hex(Array("\(keyID):\(version)".utf8))
    }
}

extension ResolvedKey {
    /// The KeyMaterialId of the version new ciphertexts are made under.
    var currentKeyMaterialID: String { KeyRotation.materialID(of: record.id, version: record.currentVersion) }

    /// The KeyMaterialId of the version a ciphertext names; nil for a key not found through one.
    var ciphertextKeyMaterialID: String? { ciphertext.map { KeyRotation.materialID(of: record.id, version: $0.keyVersion) } }
}

/// Rotates keys whose automatic rotation is due. The server runs it
/// periodically; tests call it with a moved clock.
/// Each rotation is committed with its record, a `RotateKey` service event.
public struct KeyRotationSweep: Sendable {
    public let environment: ServiceEnvironment
    public let audit: any AuditSink

    public init(environment: ServiceEnvironment, audit: any AuditSink) {
        self.environment = environment
        self.audit = audit
    }

    /// Rotates every key due by now and returns the IDs rotated. A rotation
    /// that loses its compare-and-swap to a concurrent change waits for the next sweep.
    @discardableResult
    public func run() async throws -> [KeyID] {
        let now = environment.now()
        var rotated: [KeyID] = []
        for id in try await environment.store.keysDueForRotation(by: now) {
            guard let record = try await environment.store.key(id), record.state == .enabled,
                  let due = record.nextRotationDate, due <= now
            else { continue }
            let writes = try await KeyRotation.rotate(record, .automatic, in: environment)
            if try await audit.commit(writes, recording: environment.serviceEvent("RotateKey", on: id, at: now)) {
                rotated.append(id)
            }
        }
        return rotated
    }
}
