public struct ConnectCustomKeyStoreRequest: Codable, Sendable {
    public var CustomKeyStoreId: String
}
