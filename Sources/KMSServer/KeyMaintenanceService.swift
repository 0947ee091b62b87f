import KMSCore
import Logging
import ServiceLifecycle

/// The background work on keys: carries out scheduled deletions once their
/// date has passed and automatic rotations once they are due, deletes
/// imported material past its ValidTo, and writes the keys' last usage, at start-up and then every `interval` (usage also at shutdown).
struct KeyMaintenanceService: Service {
    let deletions: KeyDeletionSweep
    let rotations: KeyRotationSweep
    let expiries: ImportedMaterialExpirySweep
    let usage: KeyUsageFlush
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
                for id in try await expiries.run() {
                    logger.notice("deleted imported key material past its ValidTo", metadata: ["key-id": "\(id)"])
                }
            } catch {
                logger.error("deleting expired key material failed; will retry", metadata: ["error": "\(String(reflecting: error))"])
            }
            await flushUsage()
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                // Shutting down: keep what was recorded since the last flush.
                await flushUsage()
                return
            }
        }
    }

    private func flushUsage() async {
        do {
            try await usage.run()
        } catch {
            logger.error("writing key usage failed; will retry", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
