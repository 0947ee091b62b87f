import AsyncHTTPClient
public import KMSCore
import NIOCore
import NIOPosix
import NIOSSL

/// Makes XKS proxy clients over one shared HTTP client: HTTPS with the
/// system's trust store or a configured CA bundle, plain HTTP to loopback
/// addresses only (CreateCustomKeyStore refuses any other `http://` endpoint).
public struct HTTPXKSConnector: XKSConnector {
    private let http: HTTPClient
    private let region: String

    /// `caBundle` is a PEM file of the certificate authorities that may sign
    /// proxies' certificates; nil trusts the system's. The HTTP client lives
    /// as long as the process, as the server does.
    public init(caBundle: String?, region: String) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caBundle { tls.trustRoots = .file(caBundle) }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.redirectConfiguration = .disallow
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: HTTPXKSProxyClient.budget, read: HTTPXKSProxyClient.budget)
        http = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: configuration)
        self.region = region
    }

    public func client(for endpoint: XKSProxyEndpoint) throws(XKSProxyFailure) -> any XKSProxyClient {
        HTTPXKSProxyClient(http: http, endpoint: endpoint, region: region)
    }
}
