public import Foundation

public struct ListAliasesRequest: Codable, Sendable {
    public var KeyId: String?
    public var Limit: Int?
    public var Marker: String?
}

public struct AliasListEntry: Codable, Sendable {
    public var AliasName: String
    public var AliasArn: String
    public var TargetKeyId: String
    public var CreationDate: Date
    public var LastUpdatedDate: Date
    public init(AliasName: String, AliasArn: String, TargetKeyId: String, CreationDate: Date, LastUpdatedDate: Date) {
        self.AliasName = AliasName
        self.AliasArn = AliasArn
        self.TargetKeyId = TargetKeyId
        self.CreationDate = CreationDate
        self.LastUpdatedDate = LastUpdatedDate
    }
}

public struct ListAliasesResponse: Codable, Sendable {
    public var Aliases: [AliasListEntry]
    public var NextMarker: String?
    public var Truncated: Bool
    public init(Aliases: [AliasListEntry], NextMarker: String?, Truncated: Bool) {
        self.Aliases = Aliases
        self.NextMarker = NextMarker
        self.Truncated = Truncated
    }
}
