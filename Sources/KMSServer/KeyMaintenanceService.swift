import KMSCore
import Logging
import ServiceLifecycle

/// The background work on keys: carries out scheduled deletions once their
/// date has passed and automatic rotations once they are due, checking at
/// start-up and then every `interval`.
struct KeyMaintenanceService: Service {
    let deletions: KeyDeletionSweep
    let rotations: KeyRotationSweep
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                for id in try await deletions.run() {
                    logger.notice("deleted key after its pending deletion window", metadata: ["key-id": "\(id)"])
                }
            } catch {
                logger.error("scheduled key deletion failed; will retry", metadata: ["error": "\(String(reflecting: error))"])
            }
            do {
                for id in try await rotations.run() {
                    logger.notice("rotated key on its schedule", metadata: ["key-id": "\(id)"])
                }
            } catch {
                logger.error("automatic key rotation failed; will retry", metadata: ["error": "\(String(reflecting: error))"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
