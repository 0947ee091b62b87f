import Foundation
import KMSCore
import SigV4
import Synchronization

/// Supplies access-key secrets to the SigV4 verifier, caching each unsealed
/// secret briefly so the hot path neither reads SQLite nor unseals per request.
/// The short lifetime bounds how long a key removed by an admin command in
/// another process keeps working here.
final class CredentialCache: SigV4CredentialProvider {
    private struct Entry {
        var principal: Principal
        var secret: String
        var expires: ContinuousClock.Instant
    }

    private let identities: Identities
    private let lifetime: Duration
    private let entries = Mutex<[String: Entry]>([:])
    private static let capacity = 10_000

    init(identities: Identities, lifetime: Duration) {
        self.identities = identities
        self.lifetime = lifetime
    }

    func secretAccessKey(for accessKeyID: String) async throws -> String? {
        try await entry(for: accessKeyID)?.secret
    }

    /// The owner of an access key that the verifier has just accepted.
    func principal(for accessKeyID: String) async throws -> Principal? {
        try await entry(for: accessKeyID)?.principal
    }

    private func entry(for accessKeyID: String) async throws -> Entry? {
        let now = ContinuousClock.now
        if let cached = entries.withLock({ $0[accessKeyID] }), cached.expires > now { return cached }
        guard let found = try await identities.credentials(for: accessKeyID) else { return nil }
        let entry = Entry(principal: found.principal, secret: found.secret, expires: now + lifetime)
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[accessKeyID] = entry
        }
        return entry
    }
}
