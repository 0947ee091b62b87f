extension ServiceEnvironment {
    private static let updateAttempts = 8

    /// Reads a key (by key ID or key ARN, as the state-changing operations
    /// require), applies `change` and stores the result atomically: if
    /// another request changed the key in between, it starts again from the
    /// new state, so concurrent state changes are never lost. `change`
    /// returns the record unchanged to store nothing.
    @discardableResult
    func updateKey(
        _ reference: String, _ change: (KeyRecord) throws(KMSError) -> KeyRecord
    ) async throws(KMSError) -> KeyRecord {
        for _ in 0..<Self.updateAttempts {
            let current = try await resolveKey(reference, allowAlias: false)
            let next = try change(current)
            if next == current { return current }
            if try await storage({ try await $0.updateKey(next) }) {
                var stored = next
                stored.revision += 1
                return stored
            }
        }
        throw KMSError(.internalFailure, "The key is being changed by other requests; try again.")
    }
}
