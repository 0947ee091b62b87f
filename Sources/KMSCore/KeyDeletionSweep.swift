import Foundation

/// Carries out scheduled deletions whose date has passed. The server runs it
/// periodically as a service; tests call it with a moved clock.
/// Each deletion is committed with its record, a `DeleteKey` service event
/// as CloudTrail writes one.
public struct KeyDeletionSweep: Sendable {
    public let environment: ServiceEnvironment
    public let audit: any AuditSink

    public init(environment: ServiceEnvironment, audit: any AuditSink) {
        self.environment = environment
        self.audit = audit
    }

    /// Deletes every key due by now and returns the IDs destroyed.
    @discardableResult
    public func run() async throws -> [KeyID] {
        let now = environment.now()
        var destroyed: [KeyID] = []
        // The destruction is conditional, so a concurrent CancelKeyDeletion wins or loses cleanly.
        for id in try await environment.store.keysPendingDeletion(dueBy: now) {
            let record = try await environment.store.key(id)
            guard try await audit.commit([.destroyKey(id, dueBy: now)], recording: environment.serviceEvent("DeleteKey", on: id, at: now)) else {
                continue
            }
            environment.keyStore.forget(id)
            if let record { await environment.destroyHSMKey(record) }
            destroyed.append(id)
        }
        return destroyed
    }
}
