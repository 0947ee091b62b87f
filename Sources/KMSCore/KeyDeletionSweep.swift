import Foundation

/// Carries out scheduled deletions whose date has passed. The server runs it
/// periodically as a service; tests call it with a moved clock.
public struct KeyDeletionSweep: Sendable {
    public let environment: ServiceEnvironment

    public init(environment: ServiceEnvironment) {
        self.environment = environment
    }

    /// Deletes every key due by now and returns the IDs destroyed.
    @discardableResult
    public func run() async throws -> [KeyID] {
        let now = environment.now()
        var destroyed: [KeyID] = []
        // The destruction is conditional, so a concurrent CancelKeyDeletion wins or loses cleanly.
        for id in try await environment.store.keysPendingDeletion(dueBy: now)
        where try await environment.store.commit([.destroyKey(id, dueBy: now)]) {
            environment.keyStore.forget(id)
            destroyed.append(id)
        }
        return destroyed
    }
}
