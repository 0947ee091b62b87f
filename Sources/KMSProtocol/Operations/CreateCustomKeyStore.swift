public struct XksProxyAuthenticationCredential: Codable, Sendable {
    public var AccessKeyId: String
    public var RawSecretAccessKey: String
}

public struct CreateCustomKeyStoreRequest: Codable, Sendable {
    public var CustomKeyStoreName: String
    public var CloudHsmClusterId: String?
    public var TrustAnchorCertificate: String?
    public var KeyStorePassword: String?
    public var CustomKeyStoreType: String?
    public var XksProxyUriEndpoint: String?
    public var XksProxyUriPath: String?
    public var XksProxyVpcEndpointServiceName: String?
    public var XksProxyVpcEndpointServiceOwner: String?
    public var XksProxyAuthenticationCredential: XksProxyAuthenticationCredential?
    public var XksProxyConnectivity: String?
}

public struct CreateCustomKeyStoreResponse: Codable, Sendable {
    public var CustomKeyStoreId: String
    public init(CustomKeyStoreId: String) {
        self.CustomKeyStoreId = CustomKeyStoreId
    }
}
