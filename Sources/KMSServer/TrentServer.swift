public import Logging
import KMSCore
import ServiceLifecycle
import UnixSignals

/// `trent serve`: takes the data directory's lock, opens it and runs the HTTP
/// application and the background services until SIGTERM or SIGINT.
public enum TrentServer {
    public static func run(
        _ configuration: DataDirectory.Configuration,
        host: String,
        port: Int,
        deletionSweepInterval: Duration,
        credentialCacheLifetime: Duration,
        logger: Logger
    ) async throws {
        try DataDirectory.lockForServing(configuration.path)
        let directory = try await DataDirectory.open(configuration, logger: logger)
        let application = buildApplication(
            environment: directory.environment, identities: directory.identities, host: host, port: port,
            credentialCacheLifetime: credentialCacheLifetime, logger: logger
        )
        let deletions = KeyDeletionService(
            sweep: KeyDeletionSweep(environment: directory.environment), interval: deletionSweepInterval, logger: logger
        )
        let group = ServiceGroup(configuration: .init(
            services: [application, deletions],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
    }
}
