import Hummingbird
import HummingbirdTLS
import KMSKeyStorePKCS11
public import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import UnixSignals

/// `trent xks-proxy`: logs in to the token, opens the audit log, then serves
/// the XKS Proxy API until SIGTERM or SIGINT, keeping the token's sessions
/// for the life of the process.
public enum XKSProxyServer {
    public static func run(_ configuration: XKSProxyConfiguration, version: String, logger: Logger) async throws {
        let threadPool = NIOThreadPool.singleton
        // Before the token: a TLS or audit-log mistake should not cost a login.
        let tls = try configuration.tls.map(tlsConfiguration)
        let audit = try XKSAuditLog(path: configuration.auditLogPath, threadPool: threadPool)
        let pool: PKCS11SessionPool
        do {
            let module = try PKCS11Module.load(path: configuration.pkcs11.modulePath)
            pool = try await PKCS11SessionPool(
                module: module, tokenLabel: configuration.pkcs11.tokenLabel, pin: configuration.pkcs11.pin, threadPool: threadPool,
                maxIdleSessions: configuration.pkcs11.maxIdleSessions
            )
        } catch {
            audit.close()
            throw XKSConfigurationError("the token \(configuration.pkcs11.tokenLabel) cannot be opened: \(error)")
        }
        let keys = PKCS11LabelledKeys(pool: pool)
        // A missing key is the operator's to make (pkcs11-tool --keygen); until then its requests get KeyNotFoundException.
        for id in configuration.keys.keys.sorted() where try await !keys.exists(label: id) {
            logger.warning("a configured key is not in the token", metadata: ["key-id": "\(id)", "token": "\(configuration.pkcs11.tokenLabel)"])
        }

        let handler = XKSRequestHandler(configuration: configuration, keys: keys, audit: audit, version: version, logger: logger)
        let scheme = tls == nil ? "http" : "https"
        let application = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in
                // For load balancers (the spec asks for their health checks): unauthenticated, unaudited, no token call.
                if request.method == .get, request.head.path == "/ping" {
                    return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "pong\n")))
                }
                return await handler.handle(request)
            },
            server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "Trent XKS Proxy"),
            onServerRunning: { channel in
                let address = channel.localAddress
                let host = address?.ipAddress.map { $0.contains(":") ? "[\($0)]" : $0 } ?? configuration.host
                logger.notice("Trent is serving the XKS Proxy API", metadata: [
                    "uri": "\(scheme)://\(host):\(address?.port ?? configuration.port)\(configuration.apiPath)",
                    "token": "\(configuration.pkcs11.tokenLabel)", "keys": "\(configuration.keys.count)",
                    "audit-log": "\(configuration.auditLogPath)",
                ])
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: TokenAndAuditLog(pool: pool, audit: audit)), .init(service: application)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
        logger.notice("the XKS proxy stopped")
    }

    /// TLS 1.2 and 1.3 with forward-secret AEAD suites, among them the ones the spec names.
    static func tlsConfiguration(_ files: XKSProxyConfiguration.TLS) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(files.certificatePath)
            guard !chain.isEmpty else { throw XKSConfigurationError("\(files.certificatePath) holds no PEM certificate") }
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: files.privateKeyPath, format: .pem))
            )
            tls.minimumTLSVersion = .tlsv12
            tls.cipherSuites = "ECDHE+AESGCM:ECDHE+CHACHA20"
            return tls
        } catch let error as XKSConfigurationError {
            throw error
        } catch {
            throw XKSConfigurationError("tls: \(files.certificatePath) and \(files.privateKeyPath) do not make a TLS certificate: \(error)")
        }
    }
}

/// Started before the server, so stopped after it: closes the token's
/// sessions and the audit log once the last request is answered.
private struct TokenAndAuditLog: Service {
    let pool: PKCS11SessionPool
    let audit: XKSAuditLog

    func run() async throws {
        try? await gracefulShutdown()
        await pool.close()
        audit.close()
    }
}
