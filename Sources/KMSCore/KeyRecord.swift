public import Foundation
public import KMSCrypto

public enum KeyUsage: String, Sendable, Hashable {
    case encryptDecrypt = "ENCRYPT_DECRYPT"
    case generateVerifyMAC = "GENERATE_VERIFY_MAC"
    case signVerify = "SIGN_VERIFY"
    case keyAgreement = "KEY_AGREEMENT"
}

public enum KeyOrigin: String, Sendable, Hashable {
    case awsKMS = "AWS_KMS"
    /// Material the customer imports (BYOK).
    case external = "EXTERNAL"
    /// Material generated in the HSM of a custom key store, which never leaves it.
    case awsCloudHSM = "AWS_CLOUDHSM"
    /// Trent's own material, then an external key store's key: double encryption.
    case externalKeyStore = "EXTERNAL_KEY_STORE"
}

/// Everything stored about a customer master key except its material.
public struct KeyRecord: Sendable, Hashable {
    public var id: KeyID
    public var createdAt: Date
    public var description: String
    public var keySpec: KeySpec
    public var keyUsage: KeyUsage
    public var origin: KeyOrigin
    public var state: KeyState
    public var deletionDate: Date?
    public var pendingWindowInDays: Int?
    public var policy: String
    public var currentVersion: UInt32
    public var tags: [ResourceTag]
    /// Automatic rotation: its period, nil while disabled, and when it next runs.
    public var rotationPeriodInDays: Int?
    public var nextRotationDate: Date?
    /// For imported material: whether the current material expires, and when (DescribeKey's ExpirationModel and ValidTo).
    public var expirationModel: ExpirationModel?
    public var validTo: Date?
    /// The custom key store whose HSM holds the material (origin AWS_CLOUDHSM).
    public var customKeyStoreID: String?
    /// The external key behind a key of origin EXTERNAL_KEY_STORE (its XksKeyConfiguration Id).
    public var xksKeyID: String?
    /// Bumped by every stored change; a write names the revision it was
    /// derived from, so two concurrent read-modify-writes cannot both win.
    public var revision: Int64

    public init(
        id: KeyID, createdAt: Date, description: String, keySpec: KeySpec, keyUsage: KeyUsage, origin: KeyOrigin,
        state: KeyState, deletionDate: Date? = nil, pendingWindowInDays: Int? = nil, policy: String,
        currentVersion: UInt32, tags: [ResourceTag], revision: Int64 = 0
    ) {
        self.id = id
        self.createdAt = createdAt
        self.description = description
        self.keySpec = keySpec
        self.keyUsage = keyUsage
        self.origin = origin
        self.state = state
        self.deletionDate = deletionDate
        self.pendingWindowInDays = pendingWindowInDays
        self.policy = policy
        self.currentVersion = currentVersion
        self.tags = tags
        self.revision = revision
        self.rotationPeriodInDays = nil
        self.nextRotationDate = nil
        self.expirationModel = nil
        self.validTo = nil
        self.customKeyStoreID = nil
        self.xksKeyID = nil
    }
}

public struct ResourceTag: Sendable, Hashable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// One version of a key's material as the metadata store keeps it: what its
/// key store needs to use it. For the software key store that is the material
/// wrapped under the root key; an HSM or external store keeps a reference.
public struct StoredKeyVersion: Sendable, Hashable {
    public var keyID: KeyID
    public var version: UInt32
    public var keySpec: KeySpec
    public var wrappingFormat: WrappingFormat
    public var material: [UInt8]
    public var createdAt: Date
    /// How this version came to be: nil for a key's first, else the rotation that made it.
    public var rotationType: RotationType?
    /// Nil for material Trent generated.
    public var imported: ImportedMaterial?
    public init(
        keyID: KeyID, version: UInt32, keySpec: KeySpec, wrappingFormat: WrappingFormat, material: [UInt8], createdAt: Date,
        rotationType: RotationType? = nil, imported: ImportedMaterial? = nil
    ) {
        self.keyID = keyID
        self.version = version
        self.keySpec = keySpec
        self.wrappingFormat = wrappingFormat
        self.material = material
        self.createdAt = createdAt
        self.rotationType = rotationType
        self.imported = imported
    }
}

/// What is kept about one imported key material besides the material itself.
public struct ImportedMaterial: Sendable, Hashable {
    /// Identifies the material, so that a re-import is checked against it even after it was deleted.
    public var fingerprint: [UInt8]
    /// ImportState PENDING_IMPORT: the material was deleted or expired, and its wrapped bytes are gone.
    public var isDeleted: Bool
    /// KeyMaterialState PENDING_ROTATION: imported as new material that RotateKeyOnDemand has not yet made current.
    public var isPendingRotation: Bool
    public var expirationModel: ExpirationModel
    public var validTo: Date?
    public var description: String?

    public init(
        fingerprint: [UInt8], isDeleted: Bool = false, isPendingRotation: Bool = false, expirationModel: ExpirationModel,
        validTo: Date?, description: String?
    ) {
        self.fingerprint = fingerprint
        self.isDeleted = isDeleted
        self.isPendingRotation = isPendingRotation
        self.expirationModel = expirationModel
        self.validTo = validTo
        self.description = description
    }
}

public enum ExpirationModel: String, Sendable, Hashable {
    case expires = "KEY_MATERIAL_EXPIRES"
    case doesNotExpire = "KEY_MATERIAL_DOES_NOT_EXPIRE"
}

public enum RotationType: String, Sendable, Hashable {
    case automatic = "AUTOMATIC"
    case onDemand = "ON_DEMAND"
}

public struct AliasRecord: Sendable, Hashable {
    public var name: String
    public var targetKeyID: KeyID
    public var createdAt: Date
    public var updatedAt: Date
    public init(name: String, targetKeyID: KeyID, createdAt: Date, updatedAt: Date) {
        self.name = name
        self.targetKeyID = targetKeyID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
