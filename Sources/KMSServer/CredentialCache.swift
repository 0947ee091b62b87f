import Foundation
import KMSCore
import Metrics
import SigV4
import Synchronization

/// Supplies access-key secrets, with the principal they belong to, to the
/// SigV4 verifier, caching each briefly so the hot path neither reads the
/// store nor unseals per request.
///
/// An entry is used only while it is younger than `lifetime`, no identity
/// change has been made through this process since it was read (so a key
/// deactivated or deleted through the IAM API stops working at once), and,
/// for temporary credentials, while the session lasts. `lifetime` bounds how
/// long a change made by another process takes to be seen here.
final class CredentialCache: SigV4CredentialProvider {
    private struct Entry {
        var credential: SigV4Credential<Principal>
        var sessionToken: String?
        var generation: UInt64
        var expires: ContinuousClock.Instant
    }

    private let identities: Identities
    private let lifetime: Duration
    private let generation: @Sendable () -> UInt64
    private let entries = Mutex<[String: Entry]>([:])
    private static let capacity = 10_000
    private let hits = Counter(label: "trent_cache_lookups_total", dimensions: [("cache", "credentials"), ("result", "hit")])
    private let misses = Counter(label: "trent_cache_lookups_total", dimensions: [("cache", "credentials"), ("result", "miss")])

    init(identities: Identities, lifetime: Duration, generation: @escaping @Sendable () -> UInt64) {
        self.identities = identities
        self.lifetime = lifetime
        self.generation = generation
    }

    func credential(for accessKeyID: String, sessionToken: String?) async throws -> SigV4Credential<Principal>? {
        let now = ContinuousClock.now
        let current = generation()
        if let cached = entries.withLock({ $0[accessKeyID] }), cached.expires > now, cached.generation == current,
           cached.sessionToken == sessionToken, cached.credential.identity.session.map({ $0.expiration > identities.now() }) ?? true
        {
            hits.increment()
            return cached.credential
        }
        misses.increment()
        let found: (principal: Principal, secret: String)?
        do {
            found = try await identities.credentials(for: accessKeyID, sessionToken: sessionToken)
        } catch let error as KMSError where error.code == .expiredToken {
            throw SigV4Error.expiredToken
        }
        guard let found else { return nil }
        let credential = SigV4Credential(secretAccessKey: found.secret, identity: found.principal)
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[accessKeyID] = Entry(credential: credential, sessionToken: sessionToken, generation: current, expires: now + lifetime)
        }
        return credential
    }
}
