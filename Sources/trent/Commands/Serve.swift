import ArgumentParser
import Foundation
import KMSAudit
import KMSCore
import KMSKeyStorePKCS11
import KMSKeyStoreXKS
import KMSServer
import Logging
import Metrics
import Prometheus

/// `trent serve`. Every setting can also come from a `TRENT_*` environment
/// variable or the `--config` YAML file (`ServeSettings`); defaults are in the help.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the KMS server.",
        discussion: "Each setting can also be given as an environment variable (--tls-cert as TRENT_TLS_CERT) or in the --config YAML file (tls-cert: ...). A flag wins over the environment, the environment over the file."
    )

    @Option(name: .long, help: "YAML file of settings, named as the flags are without their dashes.")
    var config: String?

    @Option(name: .long, help: "Address to listen on, HOST:PORT. Default: 127.0.0.1:4599.")
    var listen: String?

    @Option(name: .long, help: "Data directory (SQLite database, root key, generated credentials). Default: ./trent-data.")
    var data: String?

    @Option(name: .long, help: "AWS region this server answers for. Default: us-east-1.")
    var region: String?

    @Option(name: .long, help: "File holding the 256-bit root key (raw or base64). Default: <data>/root.key, created on first start. TRENT_ROOT_KEY (base64) takes precedence.")
    var rootKeyFile: String?

    @OptionGroup var hsmRootKey: HSMRootKeyOptions

    @Option(name: .long, help: "PEM file of the certificate authorities that may sign external key store proxies' certificates. Default: the system's.")
    var xksCaBundle: String?

    @Option(name: .long, help: "Serve GET /metrics (Prometheus, unauthenticated, plain HTTP) on this HOST:PORT only, rather than on the API listener.")
    var metricsListen: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS (TLS 1.2+). Reloaded on SIGHUP.")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert. Reloaded on SIGHUP.")
    var tlsKey: String?

    @Flag(name: .long, help: "Serve plain HTTP on an address other than loopback: plaintexts and data keys then cross the network unencrypted.")
    var insecureHTTP = false

    @Option(name: .long, help: "Connections served at once; more are answered 503. Default: 4096, or fewer to stay below the descriptor limit.")
    var maxConnections: Int?

    @Option(name: .long, help: "Seconds a connection may wait for its next request. Default: 60.")
    var idleTimeoutSeconds: Int?

    @Option(name: .long, help: "Seconds from a request's first byte to the end of its headers. Default: 10.")
    var headerTimeoutSeconds: Int?

    @Option(name: .long, help: "Seconds from the end of a request's headers to the end of its body. Default: 20.")
    var bodyTimeoutSeconds: Int?

    @Option(name: .long, help: "Bytes of header lines a request may send. Default: 32768.")
    var maxHeaderBytes: Int?

    @Option(name: .long, help: "Requests a second each principal may make, across every API (bursts of as many); 0 for no limit. Default: 50000.")
    var rateLimitPrincipal: Double?

    @Option(name: .long, help: "Requests a second each KMS key may serve once authorized (bursts of as many); 0 for no limit. Default: 50000.")
    var rateLimitKey: Double?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical. At info, one line per request. Default: info.")
    var logLevel: String?

    @Option(name: .long, help: "Log format: text, or json (one object per line, for log shippers). Default: text.")
    var logFormat: String?

    @Option(name: .long, help: "Seconds between checks for keys whose deletion date has passed, whose rotation is due or whose imported material has expired. Default: 60.")
    var deletionSweepSeconds: Int?

    @Option(name: .long, help: "Seconds a verified access key's secret is cached; bounds how long a revoked key keeps working. Default: 30.")
    var credentialCacheSeconds: Int?

    @Option(name: .long, help: "Sign a digest of the audit trail after this many records (and at shutdown). Default: 1000.")
    var auditDigestRecords: Int?

    @Option(name: .long, help: "Sign a digest of the audit trail at least this often, in seconds, while records arrive. Default: 300.")
    var auditDigestSeconds: Int?

    @Option(name: .long, help: "On SIGTERM or SIGINT, seconds to let requests in flight finish before their connections are closed. Default: 30.")
    var shutdownGraceSeconds: Int?

    @Flag(name: .long, help: ArgumentHelp("Record nothing: for the benchmark's baseline only; refused unless TRENT_BENCHMARK=1 is set.", visibility: .hidden))
    var unauditedBenchmark = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = try await ServeSettings(configFile: config, environment: environment)
        let listen = settings.string(self.listen, "listen", default: "127.0.0.1:4599")
        let (host, port) = try Self.address(listen, option: "listen")
        let metricsAddress = try settings.optionalString(metricsListen, "metrics-listen").map { try Self.address($0, option: "metrics-listen") }
        let logFormat = settings.string(self.logFormat, "log-format", default: "text")
        guard let format = BufferedLogHandler.Format(rawValue: logFormat) else {
            throw ValidationError("log-format \(logFormat) is not a format: text or json")
        }
        let logLevel = settings.string(self.logLevel, "log-level", default: "info")
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("log-level \(logLevel) is not a level: trace, debug, info, notice, warning, error or critical")
        }
        let day = 86_400
        let deletionSweepSeconds = try settings.int(deletionSweepSeconds, "deletion-sweep-seconds", default: 60, in: 1...day)
        let credentialCacheSeconds = try settings.int(credentialCacheSeconds, "credential-cache-seconds", default: 30, in: 0...day)
        let auditDigestRecords = try settings.int(auditDigestRecords, "audit-digest-records", default: 1000, in: 1...1_000_000)
        let auditDigestSeconds = try settings.int(auditDigestSeconds, "audit-digest-seconds", default: 300, in: 1...day)
        let shutdownGraceSeconds = try settings.int(shutdownGraceSeconds, "shutdown-grace-seconds", default: 30, in: 0...3600)
        guard !unauditedBenchmark || environment["TRENT_BENCHMARK"] == "1" else {
            throw ValidationError("--unaudited-benchmark is for the benchmark's baseline only: every request must be audited")
        }
        let tlsCertificate = settings.optionalString(self.tlsCertificate, "tls-cert")
        let tlsKey = settings.optionalString(self.tlsKey, "tls-key")
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        // Plain HTTP off loopback exposes plaintexts and data keys, so it must be asked for.
        let insecureHTTP = try settings.bool(insecureHTTP, "insecure-http")
        guard Self.isLoopback(host) || tlsCertificate != nil || insecureHTTP else {
            throw ValidationError(
                "--listen \(listen) is not a loopback address and without --tls-cert Trent serves plain HTTP: plaintexts and data keys would cross the network unencrypted. Give --tls-cert and --tls-key, or pass --insecure-http."
            )
        }
        let limits = ConnectionLimits(
            maximumConnections: try settings.int(maxConnections, "max-connections", default: ConnectionLimits().maximumConnections, in: 1...1_000_000),
            idleTimeout: .seconds(try settings.int(idleTimeoutSeconds, "idle-timeout-seconds", default: 60, in: 1...day)),
            headerTimeout: .seconds(try settings.int(headerTimeoutSeconds, "header-timeout-seconds", default: 10, in: 1...3600)),
            bodyTimeout: .seconds(try settings.int(bodyTimeoutSeconds, "body-timeout-seconds", default: 20, in: 1...3600)),
            maximumHeaderBytes: try settings.int(maxHeaderBytes, "max-header-bytes", default: 32 * 1024, in: 1024...1 << 20)
        )
        let rateLimitPrincipal = try settings.double(rateLimitPrincipal, "rate-limit-principal", default: 50_000, in: 0...1e9)
        let rateLimitKey = try settings.double(rateLimitKey, "rate-limit-key", default: 50_000, in: 0...1e9)
        var tls: TLSContextBox?
        if let tlsCertificate, let tlsKey {
            do {
                tls = try TLSContextBox(certificatePath: tlsCertificate, privateKeyPath: tlsKey)
            } catch {
                throw ValidationError("--tls-cert \(tlsCertificate) and --tls-key \(tlsKey) do not make a TLS certificate: \(error)")
            }
        }
        var dataDirectory = DataDirectory.Configuration(
            path: settings.string(data, "data", default: "./trent-data"),
            region: settings.string(region, "region", default: "us-east-1"),
            rootKeyFile: settings.optionalString(rootKeyFile, "root-key-file")
        )
        dataDirectory.hsmRootKey = try hsmRootKey.resolve(settings.optionalString, environment: ProcessInfo.processInfo.environment)?.opener
        let descriptorCap = ConnectionLimits.raiseDescriptorLimit()
        // Files the server creates (database, WAL, keys) are private to its user.
        umask(0o077)
        LoggingSystem.bootstrap { label in BufferedLogHandler(label: label, format: format) }
        defer { BufferedLogHandler.flush() }
        var logger = Logger(label: "trent")
        logger.logLevel = level
        var configuration = TrentServer.Configuration(
            dataDirectory: dataDirectory,
            storage: SQLiteBackend(),
            host: host,
            port: port,
            deletionSweepInterval: .seconds(deletionSweepSeconds),
            credentialCacheLifetime: .seconds(credentialCacheSeconds),
            audit: unauditedBenchmark
                ? .disabledForBenchmark
                : .trail(.init(digestEvery: auditDigestRecords, digestInterval: .seconds(auditDigestSeconds)))
        )
        configuration.version = Trent.version
        configuration.hsmConnector = PKCS11Connector()
        configuration.xksConnector = HTTPXKSConnector(caBundle: settings.optionalString(xksCaBundle, "xks-ca-bundle"), region: dataDirectory.region)
        configuration.tls = tls
        configuration.shutdownGrace = .seconds(shutdownGraceSeconds)
        configuration.rateLimits = RateLimits(
            perPrincipal: rateLimitPrincipal > 0 ? TokenBuckets(rate: rateLimitPrincipal) : nil,
            perKey: rateLimitKey > 0 ? TokenBuckets(rate: rateLimitKey) : nil
        )
        let registry = Self.bootstrapMetrics()
        configuration.metrics = .init(render: { registry.emitToBuffer() }, listen: metricsAddress)
        configuration.connectionLimits = limits
        if limits.maximumConnections > descriptorCap {
            configuration.connectionLimits.maximumConnections = descriptorCap
            logger.warning("max-connections lowered to stay below the descriptor limit", metadata: ["max-connections": "\(descriptorCap)"])
        }
        try await TrentServer.run(configuration, logger: logger)
    }

    static func address(_ text: String, option: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            throw ValidationError("\(option) \(text) must be HOST:PORT")
        }
        guard (0...65535).contains(port) else {
            throw ValidationError("\(option) port \(port) is out of range: 0–65535 (0 picks a free port)")
        }
        return (String(text[..<colon]), port)
    }

    /// Prometheus behind swift-metrics, with buckets for what Trent measures.
    static func bootstrapMetrics() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let latencies: [Duration] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        factory.durationHistogramBuckets["trent_request_duration_seconds"] = latencies
        factory.durationHistogramBuckets["trent_audit_commit_duration_seconds"] = latencies
        factory.valueHistogramBuckets["trent_audit_commit_batch_requests"] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
        MetricsSystem.bootstrap(factory)
        return registry
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }
}
