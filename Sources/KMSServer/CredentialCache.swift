import Foundation
import KMSCore
import SigV4
import Synchronization

/// Supplies access-key secrets, with the principal they belong to, to the
/// SigV4 verifier, caching each unsealed secret briefly so the hot path
/// neither reads the store nor unseals per request. The short lifetime bounds
/// how long a key removed by an admin command in another process keeps working here.
final class CredentialCache: SigV4CredentialProvider {
    private struct Entry {
        var credential: SigV4Credential<Principal>
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

    func credential(for accessKeyID: String) async throws -> SigV4Credential<Principal>? {
        let now = ContinuousClock.now
        if let cached = entries.withLock({ $0[accessKeyID] }), cached.expires > now { return cached.credential }
        guard let found = try await identities.credentials(for: accessKeyID) else { return nil }
        let credential = SigV4Credential(secretAccessKey: found.secret, identity: found.principal)
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[accessKeyID] = Entry(credential: credential, expires: now + lifetime)
        }
        return credential
    }
}
