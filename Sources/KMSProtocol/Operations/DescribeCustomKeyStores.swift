public import Foundation

public struct DescribeCustomKeyStoresRequest: Codable, Sendable {
    public var CustomKeyStoreId: String?
    public var CustomKeyStoreName: String?
    public var Limit: Int?
    public var Marker: String?
}

public struct XksProxyConfiguration: Codable, Sendable {
    public var Connectivity: String
    public var AccessKeyId: String
    public var UriEndpoint: String
    public var UriPath: String
    public init(Connectivity: String, AccessKeyId: String, UriEndpoint: String, UriPath: String) {
        self.Connectivity = Connectivity
        self.AccessKeyId = AccessKeyId
        self.UriEndpoint = UriEndpoint
        self.UriPath = UriPath
    }
}

public struct CustomKeyStoresListEntry: Codable, Sendable {
    public var CustomKeyStoreId: String
    public var CustomKeyStoreName: String
    public var CloudHsmClusterId: String?
    public var TrustAnchorCertificate: String?
    public var ConnectionState: String
    public var ConnectionErrorCode: String?
    public var CreationDate: Date
    public var CustomKeyStoreType: String
    public var XksProxyConfiguration: XksProxyConfiguration?

    public init(
        CustomKeyStoreId: String, CustomKeyStoreName: String, CloudHsmClusterId: String?, TrustAnchorCertificate: String?,
        ConnectionState: String, ConnectionErrorCode: String?, CreationDate: Date, CustomKeyStoreType: String
    ) {
        self.CustomKeyStoreId = CustomKeyStoreId
        self.CustomKeyStoreName = CustomKeyStoreName
        self.CloudHsmClusterId = CloudHsmClusterId
        self.TrustAnchorCertificate = TrustAnchorCertificate
        self.ConnectionState = ConnectionState
        self.ConnectionErrorCode = ConnectionErrorCode
        self.CreationDate = CreationDate
        self.CustomKeyStoreType = CustomKeyStoreType
    }
}

public struct DescribeCustomKeyStoresResponse: Codable, Sendable {
    public var CustomKeyStores: [CustomKeyStoresListEntry]
    public var NextMarker: String?
    public var Truncated: Bool
    public init(CustomKeyStores: [CustomKeyStoresListEntry], NextMarker: String?, Truncated: Bool) {
        self.CustomKeyStores = CustomKeyStores
        self.NextMarker = NextMarker
        self.Truncated = Truncated
    }
}
