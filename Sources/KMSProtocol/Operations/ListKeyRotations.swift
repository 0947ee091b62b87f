public import Foundation

public struct ListKeyRotationsRequest: Codable, Sendable {
    public var KeyId: String
    public var IncludeKeyMaterial: String?
    public var Limit: Int?
    public var Marker: String?
}

public struct RotationsListEntry: Codable, Sendable {
    public var KeyId: String
    public var KeyMaterialId: String
    public var KeyMaterialDescription: String?
    public var ImportState: String?
    public var KeyMaterialState: String
    public var ExpirationModel: String?
    public var ValidTo: Date?
    public var RotationDate: Date?
    public var RotationType: String?
    public init(KeyId: String, KeyMaterialId: String, KeyMaterialState: String, RotationDate: Date?, RotationType: String?) {
        self.KeyId = KeyId
        self.KeyMaterialId = KeyMaterialId
        self.KeyMaterialState = KeyMaterialState
        self.RotationDate = RotationDate
        self.RotationType = RotationType
    }
}

public struct ListKeyRotationsResponse: Codable, Sendable {
    public var Rotations: [RotationsListEntry]
    public var NextMarker: String?
    public var Truncated: Bool
    public init(Rotations: [RotationsListEntry], NextMarker: String?, Truncated: Bool) {
        self.Rotations = Rotations
        self.NextMarker = NextMarker
        self.Truncated = Truncated
    }
}
