public import Foundation

public struct GetParametersForImportRequest: Codable, Sendable {
    public var KeyId: String
    public var WrappingAlgorithm: String
    public var WrappingKeySpec: String
}

public struct GetParametersForImportResponse: Codable, Sendable {
    public var KeyId: String
    public var ImportToken: Data
    public var PublicKey: Data
    public var ParametersValidTo: Date
    public init(KeyId: String, ImportToken: Data, PublicKey: Data, ParametersValidTo: Date) {
        self.KeyId = KeyId
        self.ImportToken = ImportToken
        self.PublicKey = PublicKey
        self.ParametersValidTo = ParametersValidTo
    }
}
