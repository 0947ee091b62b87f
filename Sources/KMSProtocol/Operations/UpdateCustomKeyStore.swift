public struct UpdateCustomKeyStoreRequest: Codable, Sendable {
    public var CustomKeyStoreId: String
    public var NewCustomKeyStoreName: String?
    public var KeyStorePassword: String?
    public var CloudHsmClusterId: String?
    public var XksProxyUriEndpoint: String?
    public var XksProxyUriPath: String?
    public var XksProxyVpcEndpointServiceName: String?
    public var XksProxyVpcEndpointServiceOwner: String?
    public var XksProxyAuthenticationCredential: XksProxyAuthenticationCredential?
    public var XksProxyConnectivity: String?
}
