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
    public init(
        keyID: KeyID, version: UInt32, keySpec: KeySpec, wrappingFormat: WrappingFormat, material: [UInt8], createdAt: Date,
        rotationType: RotationType? = nil
    ) {
        self.keyID = keyID
        self.version = version
        self.keySpec = keySpec
        self.wrappingFormat = wrappingFormat
        self.material = material
        self.createdAt = createdAt
        self.rotationType = rotationType
    }
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
