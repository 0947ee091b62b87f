import KMSCore
import Logging
import ServiceLifecycle

/// Carries out scheduled key deletions once their date has passed, checking
/// at start-up and then every `interval`.
struct KeyDeletionService: Service {
    let sweep: KeyDeletionSweep
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                for id in try await sweep.run() {
                    logger.notice("deleted key after its pending deletion window", metadata: ["key-id": "\(id)"])
                }
            } catch {
                logger.error("scheduled key deletion failed; will retry", metadata: ["error": "\(String(reflecting: error))"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
