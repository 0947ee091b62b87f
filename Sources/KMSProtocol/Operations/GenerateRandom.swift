public import Foundation

public struct GenerateRandomRequest: Codable, Sendable {
    public var NumberOfBytes: Int?
    public var CustomKeyStoreId: String?
    public var Recipient: RecipientInfo?
}

public struct GenerateRandomResponse: Codable, Sendable {
    public var Plaintext: Data
    public init(Plaintext: Data) { self.Plaintext = Plaintext }
}
