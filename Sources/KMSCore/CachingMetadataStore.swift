public import Foundation
import Metrics
import Synchronization

/// Keeps recently read keys, key versions and aliases in memory in front of
/// any `MetadataStore`, so the data plane does not read the database per request.
///
/// The rule is sound when several processes share the store:
/// - Every write made through this layer drops what it changes before
///   returning, win or lose, so this process always sees its own writes.
/// - A key or alias record is served from memory for at most `lifetime`
///   after it was read, so a change made by another process is seen here
///   within that bound. Generated key versions never change once written, so they are
///   kept until their key is destroyed through this layer or the cache fills;
///   using one always goes through its key's record first.
/// - A read that overlaps a local write does not fill the cache, so a slow
///   read can never put back a value that write replaced.
/// Absent keys and aliases are not cached. A key's grants and an identity's
/// policies are cached by the same rule, for authorization; every identity
/// write drops all identity policies and advances `identityGeneration`, which
/// the credential cache watches so that a revoked access key stops working at
/// once. Other identity reads, settings, listings and audit records pass
/// straight through.
public final class CachingMetadataStore: MetadataStore {
    public let base: any MetadataStore
    public let lifetime: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private static let capacity = 10_000

    private struct Expiring<Value: Sendable>: Sendable {
        var value: Value
        var expires: ContinuousClock.Instant
    }

    private struct VersionRef: Hashable {
        var keyID: KeyID
        var version: UInt32
    }

    private struct Cache {
        /// Advances with every local write; a read fills the cache only if no write began meanwhile.
        var generation: UInt64 = 0
        var keys: [KeyID: Expiring<KeyRecord>] = [:]
        var aliases: [String: Expiring<AliasRecord>] = [:]
        var versions: [VersionRef: StoredKeyVersion] = [:]
        var grants: [KeyID: Expiring<[GrantRecord]>] = [:]
        var inlinePolicies: [PolicyOwner: Expiring<[InlinePolicy]>] = [:]
        var attachedPolicies: [PolicyOwner: Expiring<[ManagedPolicyRecord]>] = [:]
    }

    private let cache = Mutex(Cache())
    private let hits = Counter(label: "trent_cache_lookups_total", dimensions: [("cache", "metadata"), ("result", "hit")])
    private let misses = Counter(label: "trent_cache_lookups_total", dimensions: [("cache", "metadata"), ("result", "miss")])
    /// Read on every request by the credential cache, so kept apart from the cache's lock.
    private let identityWrites = Atomic<UInt64>(0)

    public init(_ base: any MetadataStore, lifetime: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.base = base
        self.lifetime = lifetime
        self.now = now
    }

    // MARK: cached reads

    public func key(_ id: KeyID) async throws -> KeyRecord? {
        try await read(\.keys, id) { try await base.key(id) }
    }

    public func alias(named name: String) async throws -> AliasRecord? {
        try await read(\.aliases, name) { try await base.alias(named: name) }
    }

    public func grants(for keyID: KeyID) async throws -> [GrantRecord] {
        try await read(\.grants, keyID) { try await base.grants(for: keyID) } ?? []
    }

    public func inlinePolicies(of owner: PolicyOwner) async throws -> [InlinePolicy] {
        try await read(\.inlinePolicies, owner) { try await base.inlinePolicies(of: owner) } ?? []
    }

    public func attachedPolicies(of owner: PolicyOwner) async throws -> [ManagedPolicyRecord] {
        try await read(\.attachedPolicies, owner) { try await base.attachedPolicies(of: owner) } ?? []
    }

    /// Advances with every identity write made through this layer.
    public var identityGeneration: UInt64 {
        identityWrites.load(ordering: .acquiring)
    }

    /// A record from memory while it is fresh, otherwise from `load`.
    private func read<Key: Hashable & Sendable, Value: Sendable>(
        _ entries: WritableKeyPath<Cache, [Key: Expiring<Value>]>, _ key: Key, load: () async throws -> Value?
    ) async throws -> Value? {
        let instant = now()
        let (cached, generation) = cache.withLock { ($0[keyPath: entries][key], $0.generation) }
        if let cached, cached.expires > instant {
            hits.increment()
            return cached.value
        }
        misses.increment()
        let found = try await load()
        cache.withLock { cache in
            guard cache.generation == generation else { return }
            if let found { Self.insert(Expiring(value: found, expires: instant + lifetime), at: key, into: &cache[keyPath: entries]) }
            else { cache[keyPath: entries][key] = nil }
        }
        return found
    }

    public func keyVersion(_ id: KeyID, version: UInt32) async throws -> StoredKeyVersion? {
        let ref = VersionRef(keyID: id, version: version)
        let (cached, generation) = cache.withLock { ($0.versions[ref], $0.generation) }
        if let cached { return cached }
        let found = try await base.keyVersion(id, version: version)
        // Imported material can be deleted and imported again, so it is read afresh every time.
        if let found, found.imported == nil {
            cache.withLock { cache in
                guard cache.generation == generation else { return }
                Self.insert(found, at: ref, into: &cache.versions)
            }
        }
        return found
    }

    private static func insert<Key: Hashable, Value>(_ value: Value, at key: Key, into entries: inout [Key: Value]) {
        if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
        entries[key] = value
    }

    // MARK: writes

    public func commit(_ writes: [StoreWrite]) async throws -> Bool {
        // Dropped once the write is over, whatever its outcome (a lost
        // compare-and-swap means another process changed the key, and the
        // retry must read it afresh); the generation it advances keeps reads
        // that overlapped the write from filling the cache with what they saw.
        defer { invalidate(for: writes) }
        return try await base.commit(writes)
    }

    public func commitAudited(_ entries: [AuditedWrites]) async throws -> [AuditedCommitResult] {
        let writes = entries.flatMap(\.writes)
        // Reads alone change nothing cached; bumping the generation for them would keep the cache from filling under load.
        defer { if !writes.isEmpty { invalidate(for: writes) } }
        return try await base.commitAudited(entries)
    }

    private func invalidate(for writes: [StoreWrite]) {
        cache.withLock { cache in
            cache.generation &+= 1
            for write in writes {
                switch write {
                case .createKey(let record, _), .updateKey(let record):
                    cache.keys[record.id] = nil
                case .addKeyVersion(let version):
                    cache.keys[version.keyID] = nil
                case .replaceKeyVersion(let version):
                    cache.keys[version.keyID] = nil
                    cache.versions[VersionRef(keyID: version.keyID, version: version.version)] = nil
                case .destroyKey(let id, _):
                    cache.keys[id] = nil
                    cache.grants[id] = nil
                    cache.versions = cache.versions.filter { $0.key.keyID != id }
                    cache.aliases = cache.aliases.filter { $0.value.value.targetKeyID != id }
                case .createAlias(let alias):
                    cache.aliases[alias.name] = nil
                case .updateAlias(let name, _, _), .deleteAlias(let name):
                    cache.aliases[name] = nil
                case .recordKeyUsage, .createCustomKeyStore, .updateCustomKeyStore, .deleteCustomKeyStore, .registerHSMCluster:
                    break
                case .createGrant(let grant):
                    cache.grants[grant.keyID] = nil
                case .deleteGrant(let keyID, _):
                    cache.grants[keyID] = nil
                case .createUser, .deleteUser, .tag, .createAccessKey, .setAccessKeyStatus, .deleteAccessKey, .createRole, .deleteRole,
                     .putInlinePolicy, .deleteInlinePolicy, .createManagedPolicy, .deleteManagedPolicy, .attachPolicy, .detachPolicy:
                    identityWrites.add(1, ordering: .releasing)
                    cache.inlinePolicies.removeAll()
                    cache.attachedPolicies.removeAll()
                }
            }
        }
    }

    // MARK: pass-through

    public func listKeys(after marker: KeyID?, limit: Int) async throws -> [KeyID] {
        try await base.listKeys(after: marker, limit: limit)
    }

    public func keysPendingDeletion(dueBy date: Date) async throws -> [KeyID] {
        try await base.keysPendingDeletion(dueBy: date)
    }

    public func keyVersions(of id: KeyID) async throws -> [StoredKeyVersion] { try await base.keyVersions(of: id) }
    public func keysDueForRotation(by date: Date) async throws -> [KeyID] { try await base.keysDueForRotation(by: date) }
    public func importedVersionsExpiring(by date: Date) async throws -> [StoredKeyVersion] { try await base.importedVersionsExpiring(by: date) }
    public func keyLastUsage(_ id: KeyID) async throws -> KeyUseRecord? { try await base.keyLastUsage(id) }

    public func listAliases(for keyID: KeyID?, after marker: String?, limit: Int) async throws -> [AliasRecord] {
        try await base.listAliases(for: keyID, after: marker, limit: limit)
    }

    public func auditRecords(after sequence: Int64, limit: Int) async throws -> [StoredAuditRecord] {
        try await base.auditRecords(after: sequence, limit: limit)
    }

    public func lookupAuditRecords(_ query: AuditQuery) async throws -> [StoredAuditRecord] { try await base.lookupAuditRecords(query) }
    public func auditSearchMismatch() async throws -> Int64? { try await base.auditSearchMismatch() }
    public func auditSeals() async throws -> [AuditSeal] { try await base.auditSeals() }
    public func checkWritable() async throws { try await base.checkWritable() }
    public func appendAuditSeal(_ make: @escaping @Sendable (AuditSealBasis) throws -> AuditSeal?) async throws -> AuditSeal? {
        try await base.appendAuditSeal(make)
    }
    public func pruneAuditRecords(before date: Date, checkpoint make: @escaping @Sendable (AuditSealBasis) throws -> AuditSeal) async throws -> Int {
        try await base.pruneAuditRecords(before: date, checkpoint: make)
    }

    public func user(named name: String) async throws -> UserRecord? { try await base.user(named: name) }
    public func listUsers() async throws -> [UserRecord] { try await base.listUsers() }
    public func accessKey(_ id: String) async throws -> AccessKeyRecord? { try await base.accessKey(id) }
    public func listAccessKeys(userName: String) async throws -> [AccessKeyRecord] { try await base.listAccessKeys(userName: userName) }
    public func role(named name: String) async throws -> RoleRecord? { try await base.role(named: name) }
    public func managedPolicy(_ arn: String) async throws -> ManagedPolicyRecord? { try await base.managedPolicy(arn) }
    public func grant(token: String) async throws -> GrantRecord? { try await base.grant(token: token) }
    public func grants(retirableBy principalARN: String) async throws -> [GrantRecord] { try await base.grants(retirableBy: principalARN) }
    public func customKeyStores() async throws -> [CustomKeyStoreRecord] { try await base.customKeyStores() }
    public func customKeyStore(_ id: String) async throws -> CustomKeyStoreRecord? { try await base.customKeyStore(id) }
    public func hsmClusters() async throws -> [HSMClusterRecord] { try await base.hsmClusters() }
    public func setting(_ name: String) async throws -> [UInt8]? { try await base.setting(name) }
    public func initializeSetting(_ name: String, to value: [UInt8]) async throws -> [UInt8] {
        try await base.initializeSetting(name, to: value)
    }
}
