import AsyncHTTPClient
public import KMSCore
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Makes XKS proxy clients over one shared HTTP client: HTTPS with the
/// system's trust store or a configured CA bundle, plain HTTP to loopback
/// addresses only (CreateCustomKeyStore refuses any other `http://` endpoint).
public struct HTTPXKSConnector: XKSConnector {
    private let http: HTTPClient
    private let region: String

    /// `caBundle` is a PEM file of the certificate authorities that may sign
    /// proxies' certificates; nil trusts the system's.
    public init(caBundle: String?, region: String) {
        http = Self.sharedClient(caBundle: caBundle)
        self.region = region
    }

    /// One HTTP client per CA bundle for the life of the process, as
    /// `HTTPClient.shared` is: never shut down, so never deinitialized unshut.
    private static let clients = Mutex<[String: HTTPClient]>([:])

    private static func sharedClient(caBundle: String?) -> HTTPClient {
        clients.withLock { clients in
            if let client = clients[caBundle ?? ""] { return client }
            var tls = TLSConfiguration.makeClientConfiguration()
            if let caBundle { tls.trustRoots = .file(caBundle) }
            var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
            configuration.redirectConfiguration = .disallow
            configuration.timeout = HTTPClient.Configuration.Timeout(connect: HTTPXKSProxyClient.budget, read: HTTPXKSProxyClient.budget)
            let client = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: configuration)
            clients[caBundle ?? ""] = client
            return client
        }
    }

    public func client(for endpoint: XKSProxyEndpoint) throws(XKSProxyFailure) -> any XKSProxyClient {
        HTTPXKSProxyClient(http: http, endpoint: endpoint, region: region)
    }
}
