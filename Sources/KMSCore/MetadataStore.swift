public import Foundation

/// Durable storage for keys, aliases, identities, audit records and service
/// settings: the contract every backend (SQLite, PostgreSQL) implements and
/// `MetadataStoreConformance` (KMSTestSupport) checks.
///
/// - Every completed write is durable before the call returns: an answered
///   request survives a crash.
/// - Reads are not cached here; `CachingMetadataStore` is the layer that does,
///   with a rule that holds when several processes share one store.
/// - Errors other than `KMSError` are treated as internal failures by the
///   service boundary.
public protocol MetadataStore: Sendable {
    // MARK: keys
    func key(_ id: KeyID) async throws -> KeyRecord?
    func keyVersion(_ id: KeyID, version: UInt32) async throws -> StoredKeyVersion?
    /// Key IDs in ascending order, strictly after `marker`, in one query whatever the page size.
    func listKeys(after marker: KeyID?, limit: Int) async throws -> [KeyID]
    func keysPendingDeletion(dueBy date: Date) async throws -> [KeyID]
    /// Every version of a key, oldest first.
    func keyVersions(of id: KeyID) async throws -> [StoredKeyVersion]
    /// Enabled keys whose automatic rotation is due by `date`, soonest first.
    func keysDueForRotation(by date: Date) async throws -> [KeyID]
    /// Imported versions whose material expires by `date` and is not yet deleted, soonest first.
    func importedVersionsExpiring(by date: Date) async throws -> [StoredKeyVersion]
    /// The last cryptographic use of a key that has been written (`recordKeyUsage`).
    func keyLastUsage(_ id: KeyID) async throws -> KeyUseRecord?

    // MARK: aliases
    func alias(named name: String) async throws -> AliasRecord?
    /// Aliases in ascending name order, strictly after `marker`, optionally of one key.
    func listAliases(for keyID: KeyID?, after marker: String?, limit: Int) async throws -> [AliasRecord]

    // MARK: writes
    /// Applies every write in one atomic, durable transaction: all of them or
    /// none. Returns false, applying nothing, when a conditional write's
    /// condition does not hold (a compare-and-swap lost, or a key is not due
    /// for deletion). Throws `KMSError` `.alreadyExists` or `.notFound` as each
    /// write documents, also applying nothing.
    func commit(_ writes: [StoreWrite]) async throws -> Bool

    // MARK: audit trail
    /// Commits a batch of requests in one durable transaction (one fsync):
    /// each entry's writes, all or none as `commit` applies them, and, if
    /// they held, its record, appended to the hash chain in batch order.
    /// An entry whose writes fail leaves nothing and does not affect the
    /// others. A throw means nothing of the batch was kept.
    func commitAudited(_ entries: [AuditedWrites]) async throws -> [AuditedCommitResult]
    /// Throws, quickly, unless a write could be committed now: for readiness probes.
    func checkWritable() async throws
    /// Records in chain order, strictly after `sequence`.
    func auditRecords(after sequence: Int64, limit: Int) async throws -> [StoredAuditRecord]
    /// Records matching a LookupEvents search, newest first, with their resources.
    func lookupAuditRecords(_ query: AuditQuery) async throws -> [StoredAuditRecord]
    /// The first record whose entry in the search index differs from its
    /// stored fields, or is missing, or an entry without its record: for
    /// `trent audit verify`, since the index is not hashed.
    func auditSearchMismatch() async throws -> Int64?
    /// Appends a seal made by `make` from where the chain stands, in one
    /// transaction, so that no record slips in between. `make` returning nil appends nothing.
    func appendAuditSeal(_ make: @escaping @Sendable (AuditSealBasis) throws -> AuditSeal?) async throws -> AuditSeal?
    /// Every seal, oldest first.
    func auditSeals() async throws -> [AuditSeal]
    /// Deletes the records older than `date` after appending a checkpoint seal
    /// made by `make` for the newest of them, in one transaction; returns how
    /// many were deleted.
    func pruneAuditRecords(before date: Date, checkpoint make: @escaping @Sendable (AuditSealBasis) throws -> AuditSeal) async throws -> Int

    // MARK: identities (changed through `commit`)
    func user(named name: String) async throws -> UserRecord?
    func listUsers() async throws -> [UserRecord]
    func accessKey(_ id: String) async throws -> AccessKeyRecord?
    func listAccessKeys(userName: String) async throws -> [AccessKeyRecord]
    func role(named name: String) async throws -> RoleRecord?
    func managedPolicy(_ arn: String) async throws -> ManagedPolicyRecord?
    /// Sorted by name.
    func inlinePolicies(of owner: PolicyOwner) async throws -> [InlinePolicy]
    /// Sorted by ARN.
    func attachedPolicies(of owner: PolicyOwner) async throws -> [ManagedPolicyRecord]

    // MARK: grants
    /// The grants on a key, oldest first.
    func grants(for keyID: KeyID) async throws -> [GrantRecord]
    func grant(token: String) async throws -> GrantRecord?
    /// Grants naming `principalARN` as their retiring principal, oldest first.
    func grants(retirableBy principalARN: String) async throws -> [GrantRecord]

    // MARK: custom key stores (changed through `commit`)
    /// Oldest first.
    func customKeyStores() async throws -> [CustomKeyStoreRecord]
    func customKeyStore(_ id: String) async throws -> CustomKeyStoreRecord?
    /// Registered HSM clusters, oldest first.
    func hsmClusters() async throws -> [HSMClusterRecord]

    // MARK: service settings
    func setting(_ name: String) async throws -> [UInt8]?
    /// Stores the value only if the setting is unset; returns the value now stored.
    func initializeSetting(_ name: String, to value: [UInt8]) async throws -> [UInt8]
}

/// One change in a `MetadataStore.commit` batch.
public enum StoreWrite: Sendable, Hashable {
    /// A new key with its first version (none for a key awaiting imported
    /// material) and its tags; `.alreadyExists` if the ID is taken.
    case createKey(KeyRecord, firstVersion: StoredKeyVersion?)
    /// Replaces a key's mutable fields (state, description, deletion schedule,
    /// current version, policy, tags), but only if it is still at
    /// `record.revision`: a compare-and-swap. The stored revision then advances by one.
    case updateKey(KeyRecord)
    /// A further version of an existing key; `.alreadyExists` if that version
    /// exists. Paired with an `updateKey` that makes it current.
    case addKeyVersion(StoredKeyVersion)
    /// Replaces what is stored of an imported version (its material, state,
    /// expiry); `.notFound` if the key has no such version. Paired with an
    /// `updateKey` of its key, so that concurrent changes to one key serialize.
    case replaceKeyVersion(StoredKeyVersion)
    /// Destroys a key with its versions, tags and aliases, if it is pending
    /// deletion with a date at or before `dueBy`.
    case destroyKey(KeyID, dueBy: Date)
    /// `.alreadyExists` if the name is taken.
    case createAlias(AliasRecord)
    /// Repoints an alias; `.notFound` if there is none of that name.
    case updateAlias(named: String, targetKeyID: KeyID, updatedAt: Date)
    /// `.notFound` if there is no alias of that name.
    case deleteAlias(named: String)
    // Identities. Each names the error it throws, applying nothing.
    /// `.alreadyExists`.
    case createUser(UserRecord)
    /// `.notFound`; `.deleteConflict` while the user has access keys or policies.
    case deleteUser(String)
    /// Adds or replaces tags; `.notFound`; `.limitExceeded` past 50 tags.
    case tag(PolicyOwner, [ResourceTag])
    /// `.alreadyExists`; `.notFound` without the user; `.limitExceeded` for a third key.
    case createAccessKey(AccessKeyRecord)
    /// `.notFound` unless the user has that key.
    case setAccessKeyStatus(id: String, userName: String, AccessKeyStatus)
    /// `.notFound` unless the user has that key.
    case deleteAccessKey(id: String, userName: String)
    /// `.alreadyExists`.
    case createRole(RoleRecord)
    /// `.notFound`; `.deleteConflict` while the role has policies.
    case deleteRole(String)
    /// Adds or replaces a policy; `.notFound` without the owner.
    case putInlinePolicy(PolicyOwner, InlinePolicy)
    /// `.notFound`.
    case deleteInlinePolicy(PolicyOwner, name: String)
    /// `.alreadyExists`.
    case createManagedPolicy(ManagedPolicyRecord)
    /// `.notFound`; `.deleteConflict` while attached.
    case deleteManagedPolicy(arn: String)
    /// `.notFound` without the owner or the policy; `.limitExceeded` past 10 attached policies. Attaching twice is no change.
    case attachPolicy(PolicyOwner, arn: String)
    /// `.notFound` unless attached.
    case detachPolicy(PolicyOwner, arn: String)

    // Grants.
    /// `.notFound` without the key.
    case createGrant(GrantRecord)
    /// `.notFound` unless the key has that grant.
    case deleteGrant(keyID: KeyID, grantID: String)
    /// Keeps the later of this and the stored last use; a key destroyed meanwhile is skipped.
    case recordKeyUsage(KeyID, KeyUseRecord)

    // Custom key stores.
    /// `.customKeyStoreNameInUse` if the name is taken.
    case createCustomKeyStore(CustomKeyStoreRecord)
    /// Replaces a store's name, cluster, password and connection request if it
    /// is still at `record.revision` (a compare-and-swap); `.customKeyStoreNameInUse`.
    case updateCustomKeyStore(CustomKeyStoreRecord)
    /// `.customKeyStoreHasCMKs` while any key (even one pending deletion) is in it; `.customKeyStoreNotFound`.
    case deleteCustomKeyStore(id: String)
    /// `.alreadyExists` if the cluster ID is taken.
    case registerHSMCluster(HSMClusterRecord)
}
