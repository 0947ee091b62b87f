import ArgumentParser
import Foundation
import KMSAudit
import KMSCore
import KMSServer
import Logging
import Metrics
import Prometheus

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the KMS server.")

    @Option(name: .long, help: "Address to listen on, HOST:PORT.")
    var listen: String = "127.0.0.1:4599"

    @OptionGroup var data: DataOptions

    @Option(name: .long, help: "Serve GET /metrics (Prometheus, unauthenticated, plain HTTP) on this HOST:PORT only, rather than on the API listener.")
    var metricsListen: String?

    @Option(name: .long, help: "Seconds between checks for keys whose deletion date has passed or whose rotation is due.")
    var deletionSweepSeconds: Int = 60

    @Option(name: .long, help: "Seconds a verified access key's secret is cached; bounds how long a revoked key keeps working.")
    var credentialCacheSeconds: Int = 30

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical. At info, one line per request.")
    var logLevel: String = "info"

    @Option(name: .long, help: "Log format: text, or json (one object per line, for log shippers).")
    var logFormat: String = "text"

    @Option(name: .long, help: "Sign a digest of the audit trail after this many records (and at shutdown).")
    var auditDigestRecords: Int = 1000

    @Option(name: .long, help: "Sign a digest of the audit trail at least this often, in seconds, while records arrive.")
    var auditDigestSeconds: Int = 300

    @Flag(name: .long, help: ArgumentHelp("Record nothing: for the benchmark's baseline only; refused unless TRENT_BENCHMARK=1 is set.", visibility: .hidden))
    var unauditedBenchmark = false

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS (TLS 1.2+). Reloaded on SIGHUP.")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert. Reloaded on SIGHUP.")
    var tlsKey: String?

    @Option(name: .long, help: "Connections served at once; more are answered 503. Default: 4096, or less to stay below the descriptor limit.")
    var maxConnections: Int?

    @Option(name: .long, help: "Seconds a connection may wait for its next request.")
    var idleTimeoutSeconds: Int = 60

    @Option(name: .long, help: "Seconds from a request's first byte to the end of its headers.")
    var headerTimeoutSeconds: Int = 10

    @Option(name: .long, help: "Seconds from the end of a request's headers to the end of its body.")
    var bodyTimeoutSeconds: Int = 20

    @Option(name: .long, help: "Bytes of header lines a request may send.")
    var maxHeaderBytes: Int = 32 * 1024

    @Option(name: .long, help: "Requests a second each principal may make, across every API (bursts of as many); 0 for no limit.")
    var rateLimitPrincipal: Double = 50_000

    @Option(name: .long, help: "Requests a second each KMS key may serve once authorized (bursts of as many); 0 for no limit.")
    var rateLimitKey: Double = 50_000

    @Flag(name: .long, help: "Serve plain HTTP on an address other than loopback: plaintexts and data keys then cross the network unencrypted.")
    var insecureHTTP = false

    func run() async throws {
        let (host, port) = try Self.address(listen, option: "--listen")
        let metricsAddress = try metricsListen.map { try Self.address($0, option: "--metrics-listen") }
        guard logFormat == "text" || logFormat == "json" else {
            throw ValidationError("--log-format \(logFormat) is not a format: text or json")
        }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level \(logLevel) is not a level: trace, debug, info, notice, warning, error or critical")
        }
        guard deletionSweepSeconds > 0 else { throw ValidationError("--deletion-sweep-seconds must be positive") }
        guard credentialCacheSeconds >= 0 else { throw ValidationError("--credential-cache-seconds must not be negative") }
        guard auditDigestRecords > 0, auditDigestSeconds > 0 else {
            throw ValidationError("--audit-digest-records and --audit-digest-seconds must be positive")
        }
        guard !unauditedBenchmark || ProcessInfo.processInfo.environment["TRENT_BENCHMARK"] == "1" else {
            throw ValidationError("--unaudited-benchmark is for the benchmark's baseline only: every request must be audited")
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        // Plain HTTP off loopback exposes plaintexts and data keys, so it must be asked for.
        guard Self.isLoopback(host) || tlsCertificate != nil || insecureHTTP else {
            throw ValidationError(
                "--listen \(listen) is not a loopback address and without --tls-cert Trent serves plain HTTP: plaintexts and data keys would cross the network unencrypted. Give --tls-cert and --tls-key, or pass --insecure-http."
            )
        }
        guard idleTimeoutSeconds > 0, headerTimeoutSeconds > 0, bodyTimeoutSeconds > 0 else {
            throw ValidationError("--idle-timeout-seconds, --header-timeout-seconds and --body-timeout-seconds must be positive")
        }
        guard (1024...1 << 20).contains(maxHeaderBytes) else { throw ValidationError("--max-header-bytes must be between 1024 and 1048576") }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be positive") }
        guard rateLimitPrincipal >= 0, rateLimitKey >= 0, rateLimitPrincipal.isFinite, rateLimitKey.isFinite else {
            throw ValidationError("--rate-limit-principal and --rate-limit-key must be 0 (no limit) or positive")
        }
        var tls: TLSContextBox?
        if let tlsCertificate, let tlsKey {
            do {
                tls = try TLSContextBox(certificatePath: tlsCertificate, privateKeyPath: tlsKey)
            } catch {
                throw ValidationError("--tls-cert \(tlsCertificate) and --tls-key \(tlsKey) do not make a TLS certificate: \(error)")
            }
        }
        let descriptorCap = ConnectionLimits.raiseDescriptorLimit()
        // Files the server creates (database, WAL, keys) are private to its user.
        umask(0o077)
        let format = BufferedLogHandler.Format(rawValue: logFormat) ?? .text
        LoggingSystem.bootstrap { label in BufferedLogHandler(label: label, format: format) }
        defer { BufferedLogHandler.flush() }
        var logger = Logger(label: "trent")
        logger.logLevel = level
        var configuration = TrentServer.Configuration(
            dataDirectory: data.configuration,
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
        configuration.tls = tls
        configuration.rateLimits = RateLimits(
            perPrincipal: rateLimitPrincipal > 0 ? TokenBuckets(rate: rateLimitPrincipal) : nil,
            perKey: rateLimitKey > 0 ? TokenBuckets(rate: rateLimitKey) : nil
        )
        let registry = Self.bootstrapMetrics()
        configuration.metrics = .init(render: { registry.emitToBuffer() }, listen: metricsAddress)
        configuration.connectionLimits = ConnectionLimits(
            maximumConnections: min(maxConnections ?? ConnectionLimits().maximumConnections, descriptorCap),
            idleTimeout: .seconds(idleTimeoutSeconds), headerTimeout: .seconds(headerTimeoutSeconds),
            bodyTimeout: .seconds(bodyTimeoutSeconds), maximumHeaderBytes: maxHeaderBytes
        )
        if let maxConnections, maxConnections > descriptorCap {
            logger.warning("--max-connections lowered to stay below the descriptor limit", metadata: ["max-connections": "\(descriptorCap)"])
        }
        try await TrentServer.run(configuration, logger: logger)
    }

    static func address(_ text: String, option: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            throw ValidationError("\(option) must be HOST:PORT")
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
