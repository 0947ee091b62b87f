public import Foundation
public import KMSCore
import KMSCrypto
public import Testing

/// The contract of `MetadataStore`, as checks every implementation must pass
/// (SQLite now, PostgreSQL later, and the cache layer in front of either).
/// Each check gets a fresh, empty store.
public enum MetadataStoreConformance {
    public struct Check: Sendable, CustomTestStringConvertible {
        public let name: String
        public let run: @Sendable (any MetadataStore) async throws -> Void
        public var testDescription: String { name }
    }

    public static let checks: [Check] = [
        Check(name: "a created key reads back whole, NULs and all", run: createdKeyReadsBackWhole),
        Check(name: "a taken key ID is alreadyExists and the batch keeps nothing", run: takenKeyIDKeepsNothing),
        Check(name: "updateKey is a compare-and-swap on the revision and replaces every mutable field", run: updateKeyIsCompareAndSwap),
        Check(name: "a failed condition rolls back the whole batch", run: failedConditionRollsBackTheBatch),
        Check(name: "a state change and its audit record commit together; a write that fails keeps neither", run: stateChangeAndAuditRecordCommitTogether),
        Check(name: "a new version and the current-version bump commit together", run: newVersionAndBumpCommitTogether),
        Check(name: "destroyKey is conditional and takes versions, tags and aliases", run: destroyKeyIsConditional),
        Check(name: "alias writes report taken and missing names", run: aliasWrites),
        Check(name: "aliases list in name order, by key, after a marker", run: aliasListing),
        Check(name: "keys list in ID order after a marker", run: keyListing),
        Check(name: "keys pending deletion are found by due date", run: keysPendingDeletion),
        Check(name: "users, tags and access keys: quotas, conflicts, whole-ID lookups", run: identities),
        Check(name: "roles, inline and managed policies: attachments, quotas, conflicts", run: policiesAndRoles),
        Check(name: "grants list by key and retiring principal and go with their key", run: grants),
        Check(name: "settings are initialized once", run: settings),
        Check(name: "custom key stores: unique names, compare-and-swap, no deletion while they hold keys", run: customKeyStores),
        Check(name: "audit records page in chain order and are found by each lookup attribute", run: auditRecordPagingAndLookup),
        Check(name: "seals name the chain's head; pruning leaves a checkpoint and the chain goes on", run: auditSealsAndPruning),
    ]

    // MARK: fixtures

    public static let createdAt = Date(timeIntervalSince1970: 1_800_000_000)

    /// A symmetric key record, as tests of stores need one.
    public static func key(_ id: KeyID = .generate(), description: String = "", tags: [ResourceTag] = [], state: KeyState = .enabled) -> KeyRecord {
        KeyRecord(
            id: id, createdAt: createdAt, description: description, keySpec: .symmetricDefault, keyUsage: .encryptDecrypt,
            origin: .awsKMS, state: state, policy: "{}", currentVersion: 1, tags: tags
        )
    }

    public static func version(_ id: KeyID, _ number: UInt32 = 1) -> StoredKeyVersion {
        StoredKeyVersion(
            keyID: id, version: number, keySpec: .symmetricDefault, wrappingFormat: .current,
            material: Array(repeating: UInt8(number), count: 60), createdAt: createdAt
        )
    }

    @discardableResult
    static func create(_ record: KeyRecord, in store: any MetadataStore) async throws -> KeyRecord {
        #expect(try await store.commit([.createKey(record, firstVersion: version(record.id))]))
        return try #require(try await store.key(record.id))
    }

    static func alias(_ name: String, _ target: KeyID) -> AliasRecord {
        AliasRecord(name: name, targetKeyID: target, createdAt: createdAt, updatedAt: createdAt)
    }

    static func expectKMSError(
        _ code: KMSError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
    ) async {
        do {
            try await body()
            Issue.record("expected \(code.awsName), but the call succeeded", sourceLocation: sourceLocation)
        } catch let error as KMSError {
            #expect(error.code == code, sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected \(code.awsName), got \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: checks

    static func createdKeyReadsBackWhole(_ store: any MetadataStore) async throws {
        let description = "before\u{0}after é 🔑"
        let tags = [ResourceTag(key: "a\u{0}b", value: "1"), ResourceTag(key: "a\u{0}c", value: "\u{0}"), ResourceTag(key: "empty", value: "")]
        let record = key(description: description, tags: tags)
        let stored = try await create(record, in: store)
        #expect(stored == record)
        #expect(stored.description.unicodeScalars.count == description.unicodeScalars.count)
        #expect(stored.tags == tags)
        #expect(try await store.keyVersion(record.id, version: 1) == version(record.id))
        #expect(try await store.keyVersion(record.id, version: 2) == nil)
        #expect(try await store.key(.generate()) == nil)
    }

    static func takenKeyIDKeepsNothing(_ store: any MetadataStore) async throws {
        let existing = try await create(key(), in: store)
        let fresh = key()
        await expectKMSError(.alreadyExists) {
            _ = try await store.commit([.createKey(fresh, firstVersion: version(fresh.id)), .createKey(existing, firstVersion: version(existing.id))])
        }
        #expect(try await store.key(fresh.id) == nil)
        #expect(try await store.keyVersion(fresh.id, version: 1) == nil)
    }

    static func updateKeyIsCompareAndSwap(_ store: any MetadataStore) async throws {
        let read = try await create(key(description: "original"), in: store)
        var first = read
        first.state = .disabled
        #expect(try await store.commit([.updateKey(first)]))
        var stale = read
        stale.description = "written from a stale read"
        #expect(try await store.commit([.updateKey(stale)]) == false)
        let stored = try #require(try await store.key(read.id))
        #expect(stored.state == .disabled)
        #expect(stored.description == "original")
        #expect(stored.revision == read.revision + 1)
        var missing = key()
        missing.description = "never created"
        #expect(try await store.commit([.updateKey(missing)]) == false)

        // Every mutable field goes with the swap, tags in their new order.
        var changed = stored
        changed.description = "changed"
        changed.policy = "{\"v\":2}"
        changed.tags = [ResourceTag(key: "b", value: "2"), ResourceTag(key: "a", value: "1")]
        #expect(try await store.commit([.updateKey(changed)]))
        let reread = try #require(try await store.key(read.id))
        #expect(reread.description == "changed" && reread.policy == "{\"v\":2}")
        #expect(reread.tags == changed.tags)
        var untagged = reread
        untagged.tags = []
        #expect(try await store.commit([.updateKey(untagged)]))
        #expect(try await store.key(read.id)?.tags == [])
    }

    static func failedConditionRollsBackTheBatch(_ store: any MetadataStore) async throws {
        let read = try await create(key(), in: store)
        var change = read
        change.description = "first"
        #expect(try await store.commit([.updateKey(change)]))
        #expect(try await store.commit([.createAlias(alias("alias/rolled-back", read.id)), .updateKey(read)]) == false)
        #expect(try await store.alias(named: "alias/rolled-back") == nil)
        await expectKMSError(.notFound) {
            _ = try await store.commit([.createAlias(alias("alias/also-rolled-back", read.id)), .deleteAlias(named: "alias/none")])
        }
        #expect(try await store.alias(named: "alias/also-rolled-back") == nil)
    }

    static func stateChangeAndAuditRecordCommitTogether(_ store: any MetadataStore) async throws {
        let read = try await create(key(), in: store)
        _ = try await store.commit([.createAlias(alias("alias/taken", read.id))])
        var disabled = read
        disabled.state = .disabled
        var stale = read
        stale.description = "lost"
        let results = try await store.commitAudited([
            AuditedWrites(writes: [.updateKey(disabled)], record: auditRow("disable")),
            AuditedWrites(writes: [.updateKey(stale)], record: auditRow("lost")),
            AuditedWrites(writes: [.createAlias(alias("alias/taken", read.id))], record: auditRow("taken")),
            AuditedWrites(writes: [], record: auditRow("read")),
        ])
        #expect(results.map(outcome) == ["committed 1", "condition failed", "rejected AlreadyExistsException", "committed 2"])
        let records = try await store.auditRecords(after: 0, limit: 10)
        #expect(records.map { String(decoding: $0.row.body, as: UTF8.self) } == ["disable", "read"])
        #expect(records.map(\.previousHash) == [AuditChain.genesis, records[0].hash])
        #expect(records.map(\.hash) == [
            AuditChain.link(previous: AuditChain.genesis, record: Array("disable".utf8)), AuditChain.link(previous: records[0].hash, record: Array("read".utf8)),
        ])
        let kept = try #require(try await store.key(read.id))
        #expect(kept.state == .disabled)
        #expect(kept.description == "")
    }

    static func newVersionAndBumpCommitTogether(_ store: any MetadataStore) async throws {
        let read = try await create(key(), in: store)
        var rotated = read
        rotated.currentVersion = 2
        #expect(try await store.commit([.addKeyVersion(version(read.id, 2)), .updateKey(rotated)]))
        #expect(try await store.keyVersion(read.id, version: 2) == version(read.id, 2))
        let stored = try #require(try await store.key(read.id))
        #expect(stored.currentVersion == 2)
        var again = stored
        again.currentVersion = 3
        await expectKMSError(.alreadyExists) { _ = try await store.commit([.addKeyVersion(version(read.id, 2)), .updateKey(again)]) }
        #expect(try #require(try await store.key(read.id)).currentVersion == 2)
        // A lost compare-and-swap keeps the new version out too.
        #expect(try await store.commit([.addKeyVersion(version(read.id, 3)), .updateKey(again)]))
        var stale = stored
        stale.currentVersion = 4
        #expect(try await store.commit([.addKeyVersion(version(read.id, 4)), .updateKey(stale)]) == false)
        #expect(try await store.keyVersion(read.id, version: 4) == nil)
    }

    static func destroyKeyIsConditional(_ store: any MetadataStore) async throws {
        let enabled = try await create(key(tags: [ResourceTag(key: "k", value: "v")]), in: store)
        #expect(try await store.commit([.destroyKey(enabled.id, dueBy: .distantFuture)]) == false)
        var pending = enabled
        pending.state = .pendingDeletion
        pending.deletionDate = createdAt.addingTimeInterval(7 * 86_400)
        pending.pendingWindowInDays = 7
        #expect(try await store.commit([.updateKey(pending), .createAlias(alias("alias/doomed", enabled.id))]))
        #expect(try await store.commit([.destroyKey(enabled.id, dueBy: createdAt)]) == false)
        #expect(try await store.key(enabled.id) != nil)
        #expect(try await store.commit([.destroyKey(enabled.id, dueBy: createdAt.addingTimeInterval(7 * 86_400))]))
        #expect(try await store.key(enabled.id) == nil)
        #expect(try await store.keyVersion(enabled.id, version: 1) == nil)
        #expect(try await store.alias(named: "alias/doomed") == nil)
        // Its ID is free again, tags and all.
        let reused = try await create(key(enabled.id, tags: [ResourceTag(key: "k", value: "new")]), in: store)
        #expect(reused.tags == [ResourceTag(key: "k", value: "new")])
    }

    static func aliasWrites(_ store: any MetadataStore) async throws {
        let first = try await create(key(), in: store)
        let second = try await create(key(), in: store)
        #expect(try await store.commit([.createAlias(alias("alias/one", first.id))]))
        await expectKMSError(.alreadyExists) { _ = try await store.commit([.createAlias(alias("alias/one", second.id))]) }
        let later = createdAt.addingTimeInterval(60)
        #expect(try await store.commit([.updateAlias(named: "alias/one", targetKeyID: second.id, updatedAt: later)]))
        let moved = try #require(try await store.alias(named: "alias/one"))
        #expect(moved == AliasRecord(name: "alias/one", targetKeyID: second.id, createdAt: createdAt, updatedAt: later))
        await expectKMSError(.notFound) {
            _ = try await store.commit([.updateAlias(named: "alias/none", targetKeyID: first.id, updatedAt: later)])
        }
        #expect(try await store.commit([.deleteAlias(named: "alias/one")]))
        #expect(try await store.alias(named: "alias/one") == nil)
        await expectKMSError(.notFound) { _ = try await store.commit([.deleteAlias(named: "alias/one")]) }
    }

    static func aliasListing(_ store: any MetadataStore) async throws {
        let first = try await create(key(), in: store)
        let second = try await create(key(), in: store)
        for (name, target) in [("alias/c", first.id), ("alias/a", first.id), ("alias/b", second.id), ("alias/a\u{0}x", second.id)] {
            #expect(try await store.commit([.createAlias(alias(name, target))]))
        }
        #expect(try await store.listAliases(for: nil, after: nil, limit: 10).map(\.name) == ["alias/a", "alias/a\u{0}x", "alias/b", "alias/c"])
        #expect(try await store.listAliases(for: nil, after: "alias/a", limit: 2).map(\.name) == ["alias/a\u{0}x", "alias/b"])
        #expect(try await store.listAliases(for: first.id, after: nil, limit: 10).map(\.name) == ["alias/a", "alias/c"])
        #expect(try await store.listAliases(for: second.id, after: "alias/a\u{0}x", limit: 10).map(\.name) == ["alias/b"])
    }

    static func keyListing(_ store: any MetadataStore) async throws {
        var ids: [KeyID] = []
        for _ in 0..<5 { ids.append(try await create(key(), in: store).id) }
        ids.sort()
        #expect(try await store.listKeys(after: nil, limit: 10) == ids)
        #expect(try await store.listKeys(after: nil, limit: 2) == Array(ids[0..<2]))
        #expect(try await store.listKeys(after: ids[1], limit: 2) == Array(ids[2..<4]))
        #expect(try await store.listKeys(after: ids[4], limit: 2).isEmpty)
    }

    static func keysPendingDeletion(_ store: any MetadataStore) async throws {
        var due: [KeyID] = []
        for days in [9.0, 8.0, 30.0] {
            let read = try await create(key(), in: store)
            var pending = read
            pending.state = .pendingDeletion
            pending.deletionDate = createdAt.addingTimeInterval(days * 86_400)
            #expect(try await store.commit([.updateKey(pending)]))
            if days < 10 { due.insert(read.id, at: 0) }
        }
        _ = try await create(key(), in: store)
        #expect(try await store.keysPendingDeletion(dueBy: createdAt.addingTimeInterval(10 * 86_400)) == due)
        #expect(try await store.keysPendingDeletion(dueBy: createdAt).isEmpty)
    }

    static func identities(_ store: any MetadataStore) async throws {
        let alice = UserRecord(name: "alice", id: "AIDACONFORMANCE000001", createdAt: createdAt, tags: [ResourceTag(key: "team", value: "blue")])
        #expect(try await store.commit([.createUser(alice)]))
        await expectKMSError(.alreadyExists) { _ = try await store.commit([.createUser(alice)]) }
        #expect(try await store.commit([.createUser(UserRecord(name: "bob", id: "AIDACONFORMANCE000002", createdAt: createdAt))]))
        #expect(try await store.user(named: "alice") == alice)
        #expect(try await store.user(named: "carol") == nil)
        #expect(try await store.listUsers().map(\.name) == ["alice", "bob"])
        // Names are unique without regard to case, as in IAM.
        await expectKMSError(.alreadyExists) {
            _ = try await store.commit([.createUser(UserRecord(name: "ALICE", id: "AIDACONFORMANCE000009", createdAt: createdAt))])
        }

        // Tags are added or replaced, keeping first-arrival order.
        #expect(try await store.commit([.tag(.user("alice"), [ResourceTag(key: "env", value: "prod"), ResourceTag(key: "team", value: "red")])]))
        #expect(try await store.user(named: "alice")?.tags == [ResourceTag(key: "team", value: "red"), ResourceTag(key: "env", value: "prod")])
        await expectKMSError(.notFound) { _ = try await store.commit([.tag(.user("carol"), [ResourceTag(key: "k", value: "v")])]) }
        let tooMany = (0..<50).map { ResourceTag(key: "t\($0)", value: "") }
        await expectKMSError(.limitExceeded) { _ = try await store.commit([.tag(.user("alice"), tooMany)]) }
        #expect(try await store.user(named: "alice")?.tags.count == 2)

        let accessKey = AccessKeyRecord(id: "AKIDCONFORMANCE00001", userName: "alice", sealedSecret: [1, 2, 3], createdAt: createdAt)
        #expect(try await store.commit([.createAccessKey(accessKey)]))
        await expectKMSError(.alreadyExists) { _ = try await store.commit([.createAccessKey(accessKey)]) }
        #expect(try await store.accessKey(accessKey.id) == accessKey)
        // An ID with anything appended, even after a NUL, is another ID.
        #expect(try await store.accessKey(accessKey.id + "\u{0}junk") == nil)
        #expect(try await store.listAccessKeys(userName: "alice") == [accessKey])
        var second = accessKey
        second.id = "AKIDCONFORMANCE00002"
        var third = accessKey
        third.id = "AKIDCONFORMANCE00003"
        #expect(try await store.commit([.createAccessKey(second)]))
        await expectKMSError(.limitExceeded) { _ = try await store.commit([.createAccessKey(third)]) }
        #expect(try await store.accessKey(third.id) == nil)
        await expectKMSError(.notFound) {
            _ = try await store.commit([.createAccessKey(AccessKeyRecord(id: "AKIDNOUSER0000000001", userName: "carol", sealedSecret: [], createdAt: createdAt))])
        }

        #expect(try await store.commit([.setAccessKeyStatus(id: accessKey.id, userName: "alice", .inactive)]))
        #expect(try await store.accessKey(accessKey.id)?.status == .inactive)
        await expectKMSError(.notFound) { _ = try await store.commit([.setAccessKeyStatus(id: accessKey.id, userName: "bob", .active)]) }
        await expectKMSError(.notFound) { _ = try await store.commit([.deleteAccessKey(id: accessKey.id, userName: "bob")]) }

        // A user with access keys cannot go; deleting keys and user in one batch can.
        await expectKMSError(.deleteConflict) { _ = try await store.commit([.deleteUser("alice")]) }
        #expect(try await store.user(named: "alice") != nil)
        #expect(try await store.commit([
            .deleteAccessKey(id: accessKey.id, userName: "alice"), .deleteAccessKey(id: second.id, userName: "alice"), .deleteUser("alice"),
        ]))
        #expect(try await store.accessKey(accessKey.id) == nil)
        #expect(try await store.user(named: "alice") == nil)
        await expectKMSError(.notFound) { _ = try await store.commit([.deleteUser("alice")]) }
        // Its tags went with it: a new alice starts bare.
        #expect(try await store.commit([.createUser(UserRecord(name: "alice", id: "AIDACONFORMANCE000003", createdAt: createdAt))]))
        #expect(try await store.user(named: "alice")?.tags == [])
    }

    static func policiesAndRoles(_ store: any MetadataStore) async throws {
        let role = RoleRecord(
            name: "deployer", id: "AROACONFORMANCE000001", trustPolicy: "{}", description: "d", maxSessionDuration: 7200, createdAt: createdAt,
            tags: [ResourceTag(key: "k", value: "v")]
        )
        #expect(try await store.commit([.createRole(role), .createUser(UserRecord(name: "bob", id: "AIDACONFORMANCE000002", createdAt: createdAt))]))
        await expectKMSError(.alreadyExists) { _ = try await store.commit([.createRole(role)]) }
        #expect(try await store.role(named: "deployer") == role)

        let inline = InlinePolicy(name: "p", document: "{\"v\":1}")
        #expect(try await store.commit([.putInlinePolicy(.role("deployer"), inline), .putInlinePolicy(.user("bob"), inline)]))
        #expect(try await store.commit([.putInlinePolicy(.user("bob"), InlinePolicy(name: "p", document: "{\"v\":2}"))]))
        #expect(try await store.inlinePolicies(of: .user("bob")) == [InlinePolicy(name: "p", document: "{\"v\":2}")])
        #expect(try await store.inlinePolicies(of: .role("deployer")) == [inline])
        await expectKMSError(.notFound) { _ = try await store.commit([.putInlinePolicy(.role("nobody"), inline)]) }
        await expectKMSError(.notFound) { _ = try await store.commit([.deleteInlinePolicy(.user("bob"), name: "q")]) }

        let managed = ManagedPolicyRecord(
            arn: "arn:aws:iam::111122223333:policy/m", name: "m", id: "ANPACONFORMANCE000001", document: "{}", description: nil, createdAt: createdAt
        )
        #expect(try await store.commit([.createManagedPolicy(managed)]))
        await expectKMSError(.alreadyExists) { _ = try await store.commit([.createManagedPolicy(managed)]) }
        #expect(try await store.managedPolicy(managed.arn) == managed)
        #expect(try await store.commit([.attachPolicy(.user("bob"), arn: managed.arn), .attachPolicy(.user("bob"), arn: managed.arn)]))
        var attached = managed
        attached.attachmentCount = 1
        #expect(try await store.attachedPolicies(of: .user("bob")) == [attached])
        #expect(try await store.managedPolicy(managed.arn)?.attachmentCount == 1)
        await expectKMSError(.notFound) { _ = try await store.commit([.attachPolicy(.user("bob"), arn: managed.arn + "x")]) }
        await expectKMSError(.deleteConflict) { _ = try await store.commit([.deleteManagedPolicy(arn: managed.arn)]) }
        await expectKMSError(.deleteConflict) { _ = try await store.commit([.deleteUser("bob")]) }

        // An owner has at most ten attached policies.
        var attachments: [StoreWrite] = []
        for index in 1...10 {
            let arn = "arn:aws:iam::111122223333:policy/extra\(index)"
            attachments += [
                .createManagedPolicy(ManagedPolicyRecord(arn: arn, name: "extra\(index)", id: "ANPA\(index)", document: "{}", description: nil, createdAt: createdAt)),
                .attachPolicy(.role("deployer"), arn: arn),
            ]
        }
        await expectKMSError(.limitExceeded) { _ = try await store.commit(attachments + [.attachPolicy(.role("deployer"), arn: managed.arn)]) }
        #expect(try await store.attachedPolicies(of: .role("deployer")) == [])
        #expect(try await store.managedPolicy("arn:aws:iam::111122223333:policy/extra1") == nil)

        await expectKMSError(.notFound) { _ = try await store.commit([.detachPolicy(.role("deployer"), arn: managed.arn)]) }
        #expect(try await store.commit([.detachPolicy(.user("bob"), arn: managed.arn), .deleteManagedPolicy(arn: managed.arn)]))
        #expect(try await store.managedPolicy(managed.arn) == nil)
        await expectKMSError(.deleteConflict) { _ = try await store.commit([.deleteRole("deployer")]) }
        #expect(try await store.commit([.deleteInlinePolicy(.role("deployer"), name: "p"), .deleteRole("deployer")]))
        #expect(try await store.role(named: "deployer") == nil)
    }

    static func grants(_ store: any MetadataStore) async throws {
        let keyRecord = try await create(key(), in: store)
        func grant(_ id: String, retiring: String?, seconds: Double) -> GrantRecord {
            GrantRecord(
                id: id, keyID: keyRecord.id, token: "token-\(id)", name: nil, granteePrincipal: "arn:aws:iam::111122223333:user/bob",
                retiringPrincipal: retiring, operations: ["Encrypt", "Decrypt"],
                constraints: GrantConstraints(EncryptionContextSubset: ["purpose": "test"]), issuingAccount: "111122223333",
                createdAt: createdAt.addingTimeInterval(seconds)
            )
        }
        let first = grant("g1", retiring: "arn:aws:iam::111122223333:user/carol", seconds: 0)
        let second = grant("g2", retiring: nil, seconds: 1)
        #expect(try await store.commit([.createGrant(second), .createGrant(first)]))
        #expect(try await store.grants(for: keyRecord.id) == [first, second])
        #expect(try await store.grant(token: "token-g2") == second)
        #expect(try await store.grant(token: "token-g") == nil)
        #expect(try await store.grants(retirableBy: "arn:aws:iam::111122223333:user/carol") == [first])
        await expectKMSError(.notFound) { _ = try await store.commit([.createGrant(grant("g3", retiring: nil, seconds: 2).withKey(.generate()))]) }
        await expectKMSError(.notFound) { _ = try await store.commit([.deleteGrant(keyID: keyRecord.id, grantID: "g9")]) }
        #expect(try await store.commit([.deleteGrant(keyID: keyRecord.id, grantID: "g1")]))
        #expect(try await store.grants(for: keyRecord.id) == [second])

        // A destroyed key takes its grants with it.
        var pending = try #require(try await store.key(keyRecord.id))
        pending.state = .pendingDeletion
        pending.deletionDate = createdAt
        #expect(try await store.commit([.updateKey(pending)]))
        #expect(try await store.commit([.destroyKey(keyRecord.id, dueBy: createdAt)]))
        #expect(try await store.grant(token: "token-g2") == nil)
    }

    static func customKeyStores(_ store: any MetadataStore) async throws {
        let cluster = HSMClusterRecord(
            id: "cluster-abcdefghijk", modulePath: "/m.so", tokenLabel: "t", tokenSerial: "s1", trustAnchorCertificate: "pem", createdAt: createdAt
        )
        #expect(try await store.commit([.registerHSMCluster(cluster)]))
        await expectKMSError(.alreadyExists) { _ = try await store.commit([.registerHSMCluster(cluster)]) }
        #expect(try await store.hsmClusters() == [cluster])

        let first = CustomKeyStoreRecord(
            id: "cks-00000000000000001", name: "first", type: .cloudHSM, cloudHsmClusterID: cluster.id, trustAnchorCertificate: "pem",
            sealedPassword: [1, 0, 2], createdAt: createdAt
        )
        var second = first
        second.id = "cks-00000000000000002"
        second.createdAt = createdAt.addingTimeInterval(1)
        #expect(try await store.commit([.createCustomKeyStore(first)]))
        await expectKMSError(.customKeyStoreNameInUse) { _ = try await store.commit([.createCustomKeyStore(second)]) }
        second.name = "second"
        #expect(try await store.commit([.createCustomKeyStore(second)]))
        #expect(try await store.customKeyStores().map(\.id) == [first.id, second.id])
        let read = try #require(try await store.customKeyStore(first.id))
        #expect(read == first)

        var renamed = read
        renamed.name = "second"
        await expectKMSError(.customKeyStoreNameInUse) { _ = try await store.commit([.updateCustomKeyStore(renamed)]) }
        renamed.name = "renamed"
        renamed.connectRequested = true
        renamed.sealedPassword = [9]
        #expect(try await store.commit([.updateCustomKeyStore(renamed)]))
        #expect(try await store.commit([.updateCustomKeyStore(renamed)]) == false, "a stale revision loses")
        var expected = renamed
        expected.revision += 1
        #expect(try await store.customKeyStore(first.id) == expected)

        var held = key()
        held.origin = .awsCloudHSM
        held.customKeyStoreID = first.id
        try await create(held, in: store)
        #expect(try await store.key(held.id)?.customKeyStoreID == first.id)
        await expectKMSError(.customKeyStoreHasCMKs) { _ = try await store.commit([.deleteCustomKeyStore(id: first.id)]) }
        #expect(try await store.commit([.deleteCustomKeyStore(id: second.id)]))
        await expectKMSError(.customKeyStoreNotFound) { _ = try await store.commit([.deleteCustomKeyStore(id: second.id)]) }
        #expect(try await store.customKeyStore(second.id) == nil)
    }

    static func settings(_ store: any MetadataStore) async throws {
        #expect(try await store.setting("s") == nil)
        #expect(try await store.initializeSetting("s", to: [1]) == [1])
        #expect(try await store.initializeSetting("s", to: [2]) == [1])
        #expect(try await store.setting("s") == [1])
    }

    /// An audit record whose body is `body`, made at `createdAt + offset` seconds.
    public static func auditRow(
        _ body: String, name: String = "Encrypt", offset: TimeInterval = 0, username: String? = "alice", accessKeyID: String? = "AKIAALICE",
        readOnly: Bool = false, source: String = "kms.amazonaws.com", resources: [AuditResource] = []
    ) -> AuditRecordRow {
        AuditRecordRow(
            eventID: "event-\(body)", eventTime: createdAt.addingTimeInterval(offset), eventName: name, eventSource: source, readOnly: readOnly,
            username: username, accessKeyID: accessKeyID, resources: resources, body: Array(body.utf8)
        )
    }

    private static func outcome(_ result: AuditedCommitResult) -> String {
        switch result {
        case .committed(let sequence): "committed \(sequence)"
        case .conditionFailed: "condition failed"
        case .rejected(let error): "rejected \(error.code.awsName)"
        }
    }

    static func auditRecordPagingAndLookup(_ store: any MetadataStore) async throws {
        let key = AuditResource(type: "AWS::KMS::Key", name: "arn:aws:kms:us-east-1:111122223333:key/k1")
        // Not a real ARN: characters a store's own encoding must escape.
        let odd = AuditResource(type: "AWS::IAM::User", name: "arn:aws:iam::111122223333:user/\"quoted\\name\u{1}")
        let rows = [
            auditRow("a", name: "CreateKey", offset: 0, resources: [key]),
            auditRow("b", name: "Encrypt", offset: 10, username: "bob", accessKeyID: "AKIABOB", readOnly: true, resources: [key]),
            auditRow("c", name: "CreateUser", offset: 20, username: nil, accessKeyID: nil, source: "iam.amazonaws.com"),
            auditRow("d", name: "Encrypt", offset: 30, readOnly: true),
            auditRow("e", name: "Decrypt", offset: 40, resources: [key, odd]),
        ]
        _ = try await store.commitAudited(rows.map { AuditedWrites(writes: [], record: $0) })
        let all = try await store.auditRecords(after: 0, limit: 10)
        #expect(all.map(\.row.eventID) == rows.map(\.eventID))
        #expect(all.map(\.row.eventTime) == rows.map(\.eventTime))
        #expect(try await store.auditRecords(after: all[1].sequence, limit: 2) == Array(all[2..<4]))

        func bodies(_ query: AuditQuery) async throws -> String {
            String(decoding: try await store.lookupAuditRecords(query).flatMap(\.row.body), as: UTF8.self)
        }
        #expect(try await bodies(AuditQuery(limit: 50)) == "edcba")
        #expect(try await bodies(AuditQuery(attribute: .eventName("Encrypt"), limit: 50)) == "db")
        #expect(try await bodies(AuditQuery(attribute: .eventID("event-c"), limit: 50)) == "c")
        #expect(try await bodies(AuditQuery(attribute: .readOnly(true), limit: 50)) == "db")
        #expect(try await bodies(AuditQuery(attribute: .readOnly(false), limit: 50)) == "eca")
        #expect(try await bodies(AuditQuery(attribute: .username("bob"), limit: 50)) == "b")
        #expect(try await bodies(AuditQuery(attribute: .accessKeyID("AKIAALICE"), limit: 50)) == "eda")
        #expect(try await bodies(AuditQuery(attribute: .eventSource("iam.amazonaws.com"), limit: 50)) == "c")
        #expect(try await bodies(AuditQuery(attribute: .resourceName(key.name), limit: 50)) == "eba")
        #expect(try await bodies(AuditQuery(attribute: .resourceName(odd.name), limit: 50)) == "e")
        #expect(try await bodies(AuditQuery(attribute: .resourceType("AWS::KMS::Key"), limit: 50)) == "eba")
        #expect(try await bodies(AuditQuery(startTime: createdAt.addingTimeInterval(10), endTime: createdAt.addingTimeInterval(30), limit: 50)) == "dcb")
        #expect(try await bodies(AuditQuery(beforeSequence: all[3].sequence, limit: 2)) == "cb")
        let found = try await store.lookupAuditRecords(AuditQuery(attribute: .eventID("event-b"), limit: 1))
        #expect(found.first?.row.resources == [key])
        #expect(found.first?.row.username == "bob")
        #expect(found.first?.row.readOnly == true)
        #expect(try await store.lookupAuditRecords(AuditQuery(attribute: .eventID("event-e"), limit: 1)).first?.row.resources == [key, odd])
        #expect(try await store.auditRecords(after: all[3].sequence, limit: 1).first?.row.resources == [key, odd])
        #expect(try await store.auditSearchMismatch() == nil)
    }

    static func auditSealsAndPruning(_ store: any MetadataStore) async throws {
        #expect(try await store.appendAuditSeal { _ in nil } == nil)
        _ = try await store.commitAudited((0..<4).map { AuditedWrites(writes: [], record: auditRow("r\($0)", offset: Double($0) * 10)) })
        let records = try await store.auditRecords(after: 0, limit: 10)
        let seal = try #require(try await store.appendAuditSeal { basis in
            #expect(basis.number == 1)
            #expect(basis.lastSequence == records[3].sequence)
            #expect(basis.lastHash == records[3].hash)
            #expect(basis.previousDigestSequence == 0)
            #expect(basis.previousSealHash == AuditChain.genesis)
            return AuditSeal(number: basis.number, kind: .digest, lastSequence: basis.lastSequence ?? 0, time: basis.time, body: [1], signature: [2])
        })
        // Records 0 and 1 are older than offset 15; record 2 is not, so nothing after it goes.
        let pruned = try await store.pruneAuditRecords(before: createdAt.addingTimeInterval(15)) { basis in
            #expect(basis.number == 2)
            #expect(basis.lastSequence == records[1].sequence)
            #expect(basis.lastHash == records[1].hash)
            #expect(basis.previousDigestSequence == records[3].sequence)
            #expect(basis.previousSealHash == AuditChain.sealHash([1]))
            return AuditSeal(number: basis.number, kind: .checkpoint, lastSequence: basis.lastSequence ?? 0, time: basis.time, body: [3], signature: [4])
        }
        #expect(pruned == 2)
        #expect(try await store.auditRecords(after: 0, limit: 10) == Array(records[2...]))
        #expect(try await store.auditSeals().map(\.kind) == [.digest, .checkpoint])
        let stored = try #require(try await store.auditSeals().first)
        #expect([stored.number, stored.lastSequence] == [seal.number, seal.lastSequence])
        #expect([stored.body, stored.signature] == [seal.body, seal.signature])
        #expect(abs(stored.time.timeIntervalSince(seal.time)) < 0.001)
        #expect(try await store.pruneAuditRecords(before: createdAt) { _ in Issue.record("nothing to prune"); throw CancellationError() } == 0)
        // Pruning everything keeps the head: the next record links to the last one pruned.
        #expect(try await store.pruneAuditRecords(before: createdAt.addingTimeInterval(1000)) { basis in
            AuditSeal(number: basis.number, kind: .checkpoint, lastSequence: basis.lastSequence ?? 0, time: basis.time, body: [5], signature: [6])
        } == 2)
        _ = try await store.commitAudited([AuditedWrites(writes: [], record: auditRow("after"))])
        let after = try await store.auditRecords(after: 0, limit: 10)
        #expect(after.map(\.sequence) == [records[3].sequence + 1])
        #expect(after.first?.previousHash == records[3].hash)
    }
}

extension GrantRecord {
    fileprivate func withKey(_ keyID: KeyID) -> GrantRecord {
        var copy = self
        copy.keyID = keyID
        return copy
    }
}
