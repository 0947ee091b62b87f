public import Foundation
public import KMSCore
import KMSIdentity
public import Logging
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

        public init(
            dataDirectory: DataDirectory.Configuration, storage: any StorageBackend, host: String, port: Int,
            deletionSweepInterval: Duration = .seconds(60), credentialCacheLifetime: Duration = .seconds(30),
            metadataCacheLifetime: Duration = .seconds(5)
        ) {
            self.dataDirectory = dataDirectory
            self.storage = storage
            self.host = host
            self.port = port
            self.deletionSweepInterval = deletionSweepInterval
            self.credentialCacheLifetime = credentialCacheLifetime
            self.metadataCacheLifetime = metadataCacheLifetime
        }
    }

    public static func run(_ configuration: Configuration, logger: Logger) async throws {
        try DataDirectory.lockForServing(configuration.dataDirectory.path)
        let directory = try await DataDirectory.open(configuration.dataDirectory, storage: configuration.storage, logger: logger)
        let store = CachingMetadataStore(directory.store, lifetime: configuration.metadataCacheLifetime)
        let environment = ServiceEnvironment(
            store: store, keyStore: directory.keyStore, accountID: directory.accountID, region: configuration.dataDirectory.region
        )
        try await environment.startUsageTracking()
        let authorizer = PolicyAuthorizer(store: store)
        let auditSink = NoAuditTrail(store: store)
        let pipeline = RequestPipeline(environment: environment, authorizer: authorizer, auditSink: auditSink)
        // Identity changes go through the caching store too, so that the credential cache sees them at once.
        let identities = Identities(
            store: store, sealer: directory.identities.sealer, accountID: directory.accountID, now: environment.now
        )
        let queries = QueryPipeline(identities: identities, authorizer: authorizer, auditSink: auditSink, region: environment.region)
        let application = buildApplication(
            pipeline: pipeline, queries: queries, identityGeneration: { store.identityGeneration }, host: configuration.host,
            port: configuration.port, credentialCacheLifetime: configuration.credentialCacheLifetime, logger: logger
        )
        let maintenance = KeyMaintenanceService(
            deletions: KeyDeletionSweep(environment: environment), rotations: KeyRotationSweep(environment: environment),
            usage: KeyUsageFlush(environment: environment),
            interval: configuration.deletionSweepInterval, logger: logger
        )
        // Shut down in reverse: the application stops taking requests first, the store last.
        let group = ServiceGroup(configuration: .init(
            services: [directory.store, maintenance, application],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
    }
}
