import Logging
import NIOSSL
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The listener's TLS certificate and key, read from PEM files, replaceable
/// while serving: new connections use the newest, open ones keep theirs.
public final class TLSContextBox: Sendable {
    public let certificatePath: String
    public let privateKeyPath: String
    private let context: Mutex<NIOSSLContext>

    /// Reads and checks the files; throws if they do not make a usable context.
    public init(certificatePath: String, privateKeyPath: String) throws {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        context = Mutex(try Self.load(certificatePath: certificatePath, privateKeyPath: privateKeyPath))
    }

    var current: NIOSSLContext { context.withLock { $0 } }

    /// Reads the files again. On failure the previous certificate stays in use.
    public func reload() throws {
        let fresh = try Self.load(certificatePath: certificatePath, privateKeyPath: privateKeyPath)
        context.withLock { $0 = fresh }
    }

    /// TLS 1.2 and 1.3; for 1.2, forward-secret AEAD suites only.
    private static func load(certificatePath: String, privateKeyPath: String) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        guard !chain.isEmpty else { throw TLSFileError("\(certificatePath) holds no PEM certificate") }
        let key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.cipherSuites = "ECDHE+AESGCM:ECDHE+CHACHA20"
        return try NIOSSLContext(configuration: configuration)
    }
}

struct TLSFileError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Reloads the certificate and key on SIGHUP, as daemons do.
struct TLSReloadService: Service {
    let box: TLSContextBox?
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            guard let box else {
                logger.notice("SIGHUP: nothing to reload, TLS is not configured")
                continue
            }
            do {
                try box.reload()
                logger.notice("SIGHUP: TLS certificate reloaded", metadata: ["certificate": "\(box.certificatePath)"])
            } catch {
                logger.error("SIGHUP: TLS certificate not reloaded; the previous one stays in use", metadata: ["error": "\(error)"])
            }
        }
    }
}
