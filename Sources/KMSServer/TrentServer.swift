public import Foundation
public import KMSAudit
public import KMSCore
import KMSIdentity
public import Logging
import Metrics
public import ServiceLifecycle
import UnixSignals

/// Opens the metadata store of a data directory. The executable chooses the
/// backend (SQLite by default), so the server depends on none of them.
public protocol StorageBackend: Sendable {
    /// Opens the store of a data directory that exists. Run as a service, the
    /// store finishes its work at graceful shutdown.
    func openStore(in directory: URL) async throws -> any MetadataStore & Service
}

/// `trent serve`: takes the data directory's lock, opens it and runs the
/// store, the HTTP application and the background services in one service
/// group until SIGTERM or SIGINT.
public enum TrentServer {
    public struct Configuration: Sendable {
        public var dataDirectory: DataDirectory.Configuration
        public var storage: any StorageBackend
        public var host: String
        public var port: Int
        public var deletionSweepInterval: Duration
        /// Bounds how long a revoked access key keeps working.
        public var credentialCacheLifetime: Duration
        /// Bounds how long a change to a key or alias made by another process
        /// takes to be seen here (`CachingMetadataStore`).
        public var metadataCacheLifetime: Duration
        public var audit: AuditMode
        public var connectionLimits = ConnectionLimits()
        /// Serve HTTPS with this certificate; nil serves plain HTTP.
        public var tls: TLSContextBox?
        public var metrics: MetricsExposition?
        public var rateLimits = RateLimits()
        /// How long graceful shutdown waits for requests in flight before closing their connections.
        public var shutdownGrace: Duration = .seconds(30)
        /// Printed at start-up.
        public var version: String = "unknown"
        /// Opens the PKCS#11 tokens of CloudHSM-style custom key stores; without one, connecting them fails.
        public var hsmConnector: (any HSMConnector)?
        /// Calls the proxies of external key stores; without one, connecting them fails.
        public var xksConnector: (any XKSConnector)?

        public init(
            dataDirectory: DataDirectory.Configuration, storage: any StorageBackend, host: String, port: Int,
            deletionSweepInterval: Duration = .seconds(60), credentialCacheLifetime: Duration = .seconds(30),
            metadataCacheLifetime: Duration = .seconds(5), audit: AuditMode = .trail(.init())
        ) {
            self.dataDirectory = dataDirectory
            self.storage = storage
            self.host = host
            self.port = port
            self.deletionSweepInterval = deletionSweepInterval
            self.credentialCacheLifetime = credentialCacheLifetime
            self.metadataCacheLifetime = metadataCacheLifetime
            self.audit = audit
        }
    }

    /// The Prometheus text of the process's metrics, served unauthenticated
    /// at `GET /metrics` on the API listener or on a listener of its own.
    public struct MetricsExposition: Sendable {
        public var render: @Sendable () -> [UInt8]
        public var listen: (host: String, port: Int)?

        public init(render: @escaping @Sendable () -> [UInt8], listen: (host: String, port: Int)?) {
            self.render = render
            self.listen = listen
        }
    }

    public enum AuditMode: Sendable {
        /// Every request recorded, durable before its answer.
        case trail(AuditTrail.Configuration)
        /// Nothing recorded: the benchmark's baseline only, which the command line refuses outside a benchmark.
        case disabledForBenchmark
    }

    public static func run(_ configuration: Configuration, logger: Logger) async throws {
        // A start that cannot listen must fail before it writes anything, not leave a new data directory behind.
        try await ListenCheck.bindable(host: configuration.host, port: configuration.port)
        if let listen = configuration.metrics?.listen { try await ListenCheck.bindable(host: listen.host, port: listen.port) }
        try DataDirectory.lockForServing(configuration.dataDirectory.path)
        let directory = try await DataDirectory.open(configuration.dataDirectory, storage: configuration.storage, logger: logger)
        let store = CachingMetadataStore(directory.store, lifetime: configuration.metadataCacheLifetime)
        let environment = ServiceEnvironment(
            store: store, keyStore: directory.keyStore, secrets: directory.identities.sealer, accountID: directory.accountID,
            region: configuration.dataDirectory.region, customKeyStores: CustomKeyStoreConnections(connector: configuration.hsmConnector, xksConnector: configuration.xksConnector)
        )
        try await environment.startUsageTracking()
        let rootKeyID = try await directory.store.listAccessKeys(userName: Identities.rootUserName).first?.id
        logger.notice("Trent starting", metadata: [
            "version": "\(configuration.version)", "account-id": "\(directory.accountID)", "region": "\(configuration.dataDirectory.region)",
            "listen": "\(configuration.host):\(configuration.port)", "root-access-key-id": "\(rootKeyID ?? "-")",
        ])
        let authorizer = PolicyAuthorizer(store: store)
        let auditSink: any AuditSink
        var services: [any Service] = [directory.store]
        var trail: AuditTrail?
        switch configuration.audit {
        case .trail(let settings):
            let signer = try await AuditSigner.load(store: store, sealer: directory.identities.sealer)
            let auditTrail = AuditTrail(store: store, signer: signer, configuration: settings, logger: logger)
            services.append(auditTrail)
            auditSink = auditTrail
            trail = auditTrail
        case .disabledForBenchmark:
            logger.warning("the audit trail is DISABLED for a benchmark: requests are not recorded")
            auditSink = NoAuditTrail(store: store)
        }
        let pipeline = RequestPipeline(
            environment: environment, authorizer: authorizer, auditSink: auditSink, keyRateLimit: configuration.rateLimits.perKey
        )
        // Identity changes go through the caching store too, so that the credential cache sees them at once.
        let identities = Identities(
            store: store, sealer: directory.identities.sealer, accountID: directory.accountID, now: environment.now
        )
        let queries = QueryPipeline(identities: identities, authorizer: authorizer, auditSink: auditSink, region: environment.region)
        let cloudTrail = CloudTrailAPI(store: store, authorizer: authorizer, auditSink: auditSink, region: environment.region)
        let connections = ConnectionRegistry(maximum: configuration.connectionLimits.maximumConnections)
        let application = buildApplication(
            pipeline: pipeline, queries: queries, cloudTrail: cloudTrail, identityGeneration: { store.identityGeneration }, host: configuration.host,
            port: configuration.port, credentialCacheLifetime: configuration.credentialCacheLifetime,
            principalRateLimit: configuration.rateLimits.perPrincipal,
            limits: configuration.connectionLimits, registry: connections, tls: configuration.tls,
            metrics: configuration.metrics?.listen == nil ? configuration.metrics?.render : nil,
            readiness: { [store, trail] in
                if let trail, !trail.isAccepting { return "the audit trail is closed" }
                do {
                    try await store.checkWritable()
                } catch {
                    return "the store cannot be written: \(error)"
                }
                return nil
            },
            logger: logger
        )
        let maintenance = KeyMaintenanceService(
            deletions: KeyDeletionSweep(environment: environment, audit: auditSink),
            rotations: KeyRotationSweep(environment: environment, audit: auditSink),
            expiries: ImportedMaterialExpirySweep(environment: environment, audit: auditSink),
            usage: KeyUsageFlush(environment: environment),
            interval: configuration.deletionSweepInterval, logger: logger
        )
        // Shut down in reverse: the application stops taking requests first,
        // then background work, then the audit trail seals the chain, the store last.
        services += [maintenance, CustomKeyStoreService(environment: environment, logger: logger), TLSReloadService(box: configuration.tls, logger: logger)]
        if let metrics = configuration.metrics, let listen = metrics.listen {
            services.append(buildMetricsApplication(render: metrics.render, host: listen.host, port: listen.port, logger: logger))
        }
        services.append(GracefulDeadline(base: application, grace: configuration.shutdownGrace) {
            let closed = connections.closeAll()
            logger.warning("graceful shutdown ran out of time: connections closed", metadata: [
                "connections": "\(closed)", "shutdown-grace-seconds": "\(configuration.shutdownGrace.components.seconds)",
            ])
        })
        // Only the software key store exists so far; it answers whenever the process does.
        Gauge(label: "trent_key_store_up", dimensions: [("store", "software")]).record(1)
        Gauge(label: "trent_build_info", dimensions: [("version", configuration.version)]).record(1)
        let group = ServiceGroup(configuration: .init(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
        logger.notice("Trent stopped")
        if let statistics = trail?.statistics {
            logger.notice("audit trail closed", metadata: [
                "records": "\(statistics.records)", "digests": "\(statistics.digests)",
            ])
        }
    }
}
