import Foundation
import KMSCore
import KMSCrypto
import KMSStorageSQLite
import KMSTestSupport
import Synchronization
import Testing

/// The cache layer's rule: local writes are seen at once, other processes'
/// within the lifetime, and a read that overlaps a write never puts back
/// what the write replaced.
@Suite("Metadata cache")
struct CachingMetadataStoreTests {
    /// A hand-moved monotonic clock.
    final class Instants: Sendable {
        private let offset = Mutex(Duration.zero)
        let start = ContinuousClock.now
        var now: ContinuousClock.Instant { start + offset.withLock { $0 } }
        func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
    }

    static func key(description: String) -> KeyRecord { MetadataStoreConformance.key(description: description) }
    static func version(_ id: KeyID) -> StoredKeyVersion { MetadataStoreConformance.version(id) }

    /// A cache over a gated store, holding one key described "old", and the
    /// record that replaces it with "new".
    static func gatedFixture(_ env: TestEnvironment) async throws -> (GatedStore, CachingMetadataStore, KeyRecord) {
        let gated = GatedStore(env.database)
        let record = key(description: "old")
        #expect(try await env.database.commit([.createKey(record, firstVersion: version(record.id))]))
        var replaced = try #require(try await env.database.key(record.id))
        replaced.description = "new"
        return (gated, CachingMetadataStore(gated, lifetime: .seconds(3600)), replaced)
    }

    @Test func changesElsewhereAreSeenWithinTheLifetimeAndLocalOnesAtOnce() async throws {
        let env = try TestEnvironment()
        let other = try SQLiteMetadataStore(path: env.databasePath)
        let instants = Instants()
        let cache = CachingMetadataStore(env.database, lifetime: .seconds(5), now: { instants.now })
        let record = Self.key(description: "v1")
        #expect(try await cache.commit([.createKey(record, firstVersion: Self.version(record.id))]))
        let read = try #require(try await cache.key(record.id))

        var changed = read
        changed.description = "changed by another process"
        #expect(try await other.commit([.updateKey(changed)]))
        instants.advance(.seconds(4))
        #expect(try await cache.key(record.id)?.description == "v1", "served from the cache within its lifetime")
        instants.advance(.seconds(2))
        let fresh = try #require(try await cache.key(record.id))
        #expect(fresh.description == "changed by another process", "still stale after the lifetime")

        var local = fresh
        local.description = "changed here"
        #expect(try await cache.commit([.updateKey(local)]))
        #expect(try await cache.key(record.id)?.description == "changed here", "a local write was not seen at once")
    }

    @Test func aLostCompareAndSwapDropsTheStaleEntry() async throws {
        let env = try TestEnvironment()
        let other = try SQLiteMetadataStore(path: env.databasePath)
        let cache = CachingMetadataStore(env.database, lifetime: .seconds(3600))
        let record = Self.key(description: "v1")
        #expect(try await cache.commit([.createKey(record, firstVersion: Self.version(record.id))]))
        let read = try #require(try await cache.key(record.id))
        var elsewhere = read
        elsewhere.state = .disabled
        #expect(try await other.commit([.updateKey(elsewhere)]))
        var stale = read
        stale.description = "from a stale read"
        #expect(try await cache.commit([.updateKey(stale)]) == false)
        #expect(try await cache.key(record.id)?.state == .disabled, "the retry would read the stale entry again")
    }

    /// Holds the next `key(_:)` read (after reading) or commit (before
    /// writing), once armed, until released,
    /// so a test can make a read and a write overlap. Everything else passes through.
    final class GatedStore: MetadataStore {
        enum Gate { case read, commit }
        let base: SQLiteMetadataStore
        private struct State {
            var armed: Gate?
            var arrived: CheckedContinuation<Void, Never>?
            var held: CheckedContinuation<Void, Never>?
            var hasArrived = false
        }
        private let state = Mutex(State())
        init(_ base: SQLiteMetadataStore) { self.base = base }

        func arm(_ gate: Gate) { state.withLock { $0 = State(armed: gate) } }

        /// Suspends until the armed call has done its work and is being held.
        func waitUntilHeld() async {
            await withCheckedContinuation { continuation in
                let already = state.withLock { state in
                    if state.hasArrived { return true }
                    state.arrived = continuation
                    return false
                }
                if already { continuation.resume() }
            }
        }

        func release() {
            state.withLock { $0.held?.resume(); $0.held = nil }
        }

        private func holdIfArmed(_ gate: Gate) async {
            guard state.withLock({ state in
                guard state.armed == gate else { return false }
                state.armed = nil
                return true
            }) else { return }
            await withCheckedContinuation { continuation in
                state.withLock { state in
                    state.held = continuation
                    state.hasArrived = true
                    state.arrived?.resume()
                    state.arrived = nil
                }
            }
        }

        func key(_ id: KeyID) async throws -> KeyRecord? {
            let found = try await base.key(id)
            await holdIfArmed(.read)
            return found
        }
        /// Held before the write reaches the database.
        func commit(_ writes: [StoreWrite]) async throws -> Bool {
            await holdIfArmed(.commit)
            return try await base.commit(writes)
        }

        func keyVersion(_ id: KeyID, version: UInt32) async throws -> StoredKeyVersion? { try await base.keyVersion(id, version: version) }
        func listKeys(after marker: KeyID?, limit: Int) async throws -> [KeyID] { try await base.listKeys(after: marker, limit: limit) }
        func keysPendingDeletion(dueBy date: Date) async throws -> [KeyID] { try await base.keysPendingDeletion(dueBy: date) }
        func keyVersions(of id: KeyID) async throws -> [StoredKeyVersion] { try await base.keyVersions(of: id) }
        func keysDueForRotation(by date: Date) async throws -> [KeyID] { try await base.keysDueForRotation(by: date) }
        func customKeyStores() async throws -> [CustomKeyStoreRecord] { try await base.customKeyStores() }
        func customKeyStore(_ id: String) async throws -> CustomKeyStoreRecord? { try await base.customKeyStore(id) }
        func hsmClusters() async throws -> [HSMClusterRecord] { try await base.hsmClusters() }
        func importedVersionsExpiring(by date: Date) async throws -> [StoredKeyVersion] { try await base.importedVersionsExpiring(by: date) }
        func keyLastUsage(_ id: KeyID) async throws -> KeyUseRecord? { try await base.keyLastUsage(id) }
        func alias(named name: String) async throws -> AliasRecord? { try await base.alias(named: name) }
        func listAliases(for keyID: KeyID?, after marker: String?, limit: Int) async throws -> [AliasRecord] {
            try await base.listAliases(for: keyID, after: marker, limit: limit)
        }
        func auditRecords(after sequence: Int64, limit: Int) async throws -> [StoredAuditRecord] { try await base.auditRecords(after: sequence, limit: limit) }
        func commitAudited(_ entries: [AuditedWrites]) async throws -> [AuditedCommitResult] { try await base.commitAudited(entries) }
        func lookupAuditRecords(_ query: AuditQuery) async throws -> [StoredAuditRecord] { try await base.lookupAuditRecords(query) }
        func auditSearchMismatch() async throws -> Int64? { try await base.auditSearchMismatch() }
        func appendAuditSeal(_ make: @escaping @Sendable (AuditSealBasis) throws -> AuditSeal?) async throws -> AuditSeal? { try await base.appendAuditSeal(make) }
        func auditSeals() async throws -> [AuditSeal] { try await base.auditSeals() }
        func checkWritable() async throws { try await base.checkWritable() }
        func pruneAuditRecords(before date: Date, checkpoint make: @escaping @Sendable (AuditSealBasis) throws -> AuditSeal) async throws -> Int {
            try await base.pruneAuditRecords(before: date, checkpoint: make)
        }
        func user(named name: String) async throws -> UserRecord? { try await base.user(named: name) }
        func listUsers() async throws -> [UserRecord] { try await base.listUsers() }
        func accessKey(_ id: String) async throws -> AccessKeyRecord? { try await base.accessKey(id) }
        func listAccessKeys(userName: String) async throws -> [AccessKeyRecord] { try await base.listAccessKeys(userName: userName) }
        func role(named name: String) async throws -> RoleRecord? { try await base.role(named: name) }
        func managedPolicy(_ arn: String) async throws -> ManagedPolicyRecord? { try await base.managedPolicy(arn) }
        func inlinePolicies(of owner: PolicyOwner) async throws -> [InlinePolicy] { try await base.inlinePolicies(of: owner) }
        func attachedPolicies(of owner: PolicyOwner) async throws -> [ManagedPolicyRecord] { try await base.attachedPolicies(of: owner) }
        func grants(for keyID: KeyID) async throws -> [GrantRecord] { try await base.grants(for: keyID) }
        func grant(token: String) async throws -> GrantRecord? { try await base.grant(token: token) }
        func grants(retirableBy principalARN: String) async throws -> [GrantRecord] { try await base.grants(retirableBy: principalARN) }
        func setting(_ name: String) async throws -> [UInt8]? { try await base.setting(name) }
        func initializeSetting(_ name: String, to value: [UInt8]) async throws -> [UInt8] { try await base.initializeSetting(name, to: value) }
    }

    /// A read that began before a local write finishes after it: it may
    /// answer the old value, but must not put it into the cache.
    @Test func aReadStartedBeforeAWriteDoesNotPutBackWhatItReplaced() async throws {
        let env = try TestEnvironment()
        let (gated, cache, replaced) = try await Self.gatedFixture(env)

        gated.arm(.read)
        async let slowRead = cache.key(replaced.id)
        await gated.waitUntilHeld()
        #expect(try await cache.commit([.updateKey(replaced)]))
        gated.release()
        #expect(try await slowRead?.description == "old")
        #expect(try await cache.key(replaced.id)?.description == "new", "the overlapping read put the replaced value into the cache")
    }

    /// A read that begins while a local write is under way reads the old
    /// value from the database; it must not stay cached once the write is done.
    @Test func aReadDuringAWriteDoesNotOutliveIt() async throws {
        let env = try TestEnvironment()
        let (gated, cache, replaced) = try await Self.gatedFixture(env)

        gated.arm(.commit)
        async let slowWrite = cache.commit([.updateKey(replaced)])
        await gated.waitUntilHeld()
        #expect(try await cache.key(replaced.id)?.description == "old", "the write has not reached the database yet")
        gated.release()
        #expect(try await slowWrite)
        #expect(try await cache.key(replaced.id)?.description == "new")
    }
}
