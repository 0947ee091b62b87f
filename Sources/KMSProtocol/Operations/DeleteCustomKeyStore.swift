public struct DeleteCustomKeyStoreRequest: Codable, Sendable {
    public var CustomKeyStoreId: String
}
