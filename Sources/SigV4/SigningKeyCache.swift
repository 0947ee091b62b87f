import Crypto
import Synchronization

/// Caches derived signing keys: deriving one costs four HMACs, and a client
/// reuses the same key for every request of a day.
///
/// Entries are keyed by access key id, scope date and a SHA-256 of the secret,
/// so a rotated secret never hits a key derived from the old one. Region and
/// service are fixed per cache (one per verifier). The cache is bounded and is
/// simply emptied when full: the working set is one key per active client per day.
final class SigningKeyCache: Sendable {
    private struct Key: Hashable {
        let accessKeyID: String
        let date: String
        let secretDigest: SHA256Digest
    }

    private let region: String
    private let service: String
    private let capacity: Int
    private let entries = Mutex<[Key: SymmetricKey]>([:])

    init(region: String, service: String, capacity: Int = 1024) {
        self.region = region
        self.service = service
        self.capacity = capacity
    }

    func signingKey(accessKeyID: String, secret: String, date: String) -> SymmetricKey {
        let key = Key(accessKeyID: accessKeyID, date: date, secretDigest: SHA256.hash(data: Array(secret.utf8)))
        if let cached = entries.withLock({ $0[key] }) { return cached }
        // Derived outside the lock so concurrent misses do not serialise on the HMACs.
        let derived = SigV4.signingKey(secret: secret, date: date, region: region, service: service)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = derived
        }
        return derived
    }
}
