public import Foundation

/// Shapes shared by several operations.

public struct Tag: Codable, Sendable, Hashable {
    public var TagKey: String
    public var TagValue: String
    public init(TagKey: String, TagValue: String) {
        self.TagKey = TagKey
        self.TagValue = TagValue
    }
}

public struct KeyMetadata: Codable, Sendable {
    public var AWSAccountId: String
    public var KeyId: String
    public var Arn: String
    public var CreationDate: Date
    public var Enabled: Bool
    public var Description: String
    public var KeyUsage: String
    public var KeyState: String
    public var DeletionDate: Date?
    public var PendingDeletionWindowInDays: Int?
    public var Origin: String
    public var KeyManager: String
    public var CustomerMasterKeySpec: String
    public var KeySpec: String
    public var EncryptionAlgorithms: [String]?
    public var MacAlgorithms: [String]?
    public var SigningAlgorithms: [String]?
    public var KeyAgreementAlgorithms: [String]?
    public var MultiRegion: Bool
    public var CurrentKeyMaterialId: String?
    public var ExpirationModel: String?
    public var ValidTo: Date?
    public var CustomKeyStoreId: String?
    public var CloudHsmClusterId: String?
    public var XksKeyConfiguration: XksKeyConfiguration?

    public init(
        AWSAccountId: String, KeyId: String, Arn: String, CreationDate: Date, Enabled: Bool, Description: String,
        KeyUsage: String, KeyState: String, DeletionDate: Date?, PendingDeletionWindowInDays: Int?, Origin: String,
        KeyManager: String, KeySpec: String, EncryptionAlgorithms: [String]?, MacAlgorithms: [String]? = nil, MultiRegion: Bool
    ) {
        self.AWSAccountId = AWSAccountId
        self.KeyId = KeyId
        self.Arn = Arn
        self.CreationDate = CreationDate
        self.Enabled = Enabled
        self.Description = Description
        self.KeyUsage = KeyUsage
        self.KeyState = KeyState
        self.DeletionDate = DeletionDate
        self.PendingDeletionWindowInDays = PendingDeletionWindowInDays
        self.Origin = Origin
        self.KeyManager = KeyManager
        self.CustomerMasterKeySpec = KeySpec
        self.KeySpec = KeySpec
        self.EncryptionAlgorithms = EncryptionAlgorithms
        self.MacAlgorithms = MacAlgorithms
        self.MultiRegion = MultiRegion
    }
}

public struct XksKeyConfiguration: Codable, Sendable {
    public var Id: String
    public init(Id: String) {
        self.Id = Id
    }
}

/// Body of requests and responses that carry nothing.
public struct Empty: Codable, Sendable {
    public init() {}
}
