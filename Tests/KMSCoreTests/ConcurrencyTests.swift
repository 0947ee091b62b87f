import Foundation
import KMSCore
import KMSProtocol
import KMSStorageSQLite
import KMSTestSupport
import Testing

/// Concurrent changes to one key: none may be lost, and contention must never
/// surface as a failure. "Nodes" are two pipelines with their own connection,
/// cache and write queue on one database file, as two server processes would be.
@Suite("Concurrent changes to one key")
struct ConcurrencyTests {
    /// Node B's cache still holds the key as it was before node A disabled
    /// it. B's description change must not write that stale state back: its
    /// compare-and-swap loses, and it runs again on a fresh read.
    @Test func aChangeFromAnotherNodeIsNeverLost() async throws {
        let nodeA = try TestEnvironment()
        let nodeB = try TestEnvironment(sharing: nodeA)
        let keyID = try await nodeA.call(CreateKey.self, #"{"Description":"original"}"#).KeyMetadata.KeyId
        #expect(try await nodeB.call(DescribeKey.self, #"{"KeyId":"\#(keyID)"}"#).KeyMetadata.KeyState == "Enabled")

        _ = try await nodeA.call(DisableKey.self, #"{"KeyId":"\#(keyID)"}"#)
        _ = try await nodeB.call(UpdateKeyDescription.self, #"{"KeyId":"\#(keyID)","Description":"from node B"}"#)

        let metadata = try await nodeA.call(DescribeKey.self, #"{"KeyId":"\#(keyID)"}"#).KeyMetadata
        #expect(metadata.KeyState == "Disabled", "node B wrote back the state it had cached")
        #expect(metadata.Description == "from node B")
        let stored = try #require(try await nodeA.database.key(KeyID(keyID)!))
        #expect(stored.revision == 2)
        #expect(nodeB.audit.lostCommits == 1, "node B's first attempt should have lost its compare-and-swap")
    }

    /// Keeps each record in the store, in the same commit as the request's writes.
    struct StoreRecordingSink: AuditSink {
        let store: any MetadataStore
        func commit(_ writes: [StoreWrite], recording event: AuditEvent) async throws -> Bool {
            let record = MetadataStoreConformance.auditRow("\(event.eventName) \(event.errorCode ?? "ok")")
            switch try await store.commitAudited([AuditedWrites(writes: writes, record: record)])[0] {
            case .committed: return true
            case .conditionFailed: return false
            case .rejected(let error): throw error
            }
        }
    }

    /// A change and its record are kept together or not at all: the attempt
    /// that loses its compare-and-swap leaves no record, the retry leaves one.
    @Test func aLostChangeLeavesNoRecord() async throws {
        let nodeA = try TestEnvironment(auditSink: { StoreRecordingSink(store: $0) })
        let nodeB = try TestEnvironment(sharing: nodeA, auditSink: { StoreRecordingSink(store: $0) })
        let keyID = try await nodeA.call(CreateKey.self, "{}").KeyMetadata.KeyId
        _ = try await nodeB.call(DescribeKey.self, #"{"KeyId":"\#(keyID)"}"#)
        _ = try await nodeA.call(DisableKey.self, #"{"KeyId":"\#(keyID)"}"#)
        _ = try await nodeB.call(UpdateKeyDescription.self, #"{"KeyId":"\#(keyID)","Description":"from node B"}"#)
        await #expect(throws: KMSError(.notFound, "")) { try await nodeB.call(DescribeKey.self, #"{"KeyId":"alias/none"}"#) }

        #expect(nodeB.audit.lostCommits == 1)
        let records = try await nodeA.database.auditRecords(after: 0, limit: 100).map { String(decoding: $0.row.body, as: UTF8.self) }
        #expect(records == ["CreateKey ok", "DescribeKey ok", "DisableKey ok", "UpdateKeyDescription ok", "DescribeKey NotFoundException"])
    }

    /// A change from another node is never lost, as a race: node A disables the key while node B changes its
    /// description many times at once. Only disables change the state, so
    /// the key must end disabled; and every change is one stored revision.
    @Test func concurrentStateChangesStayConsistent() async throws {
        let nodeA = try TestEnvironment()
        let nodeB = try TestEnvironment(sharing: nodeA)
        for round in 0..<5 {
            let keyID = try await nodeA.call(CreateKey.self, #"{"Description":"round \#(round)"}"#).KeyMetadata.KeyId
            _ = try await nodeB.call(DescribeKey.self, #"{"KeyId":"\#(keyID)"}"#)
            let writers = 12
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    _ = try await nodeA.call(DisableKey.self, #"{"KeyId":"\#(keyID)"}"#)
                }
                for writer in 0..<writers {
                    group.addTask {
                        _ = try await nodeB.call(UpdateKeyDescription.self, #"{"KeyId":"\#(keyID)","Description":"writer \#(writer)"}"#)
                    }
                }
                try await group.waitForAll()
            }
            let stored = try #require(try await nodeA.database.key(KeyID(keyID)!))
            #expect(stored.state == .disabled, "round \(round): the disable was lost")
            #expect(stored.description.hasPrefix("writer "))
            #expect(stored.revision == Int64(writers + 1), "round \(round): \(stored.revision) revisions for \(writers + 1) changes")
        }
    }

    /// 100 changes to one key at once on one node: every one succeeds (no
    /// 500, no throttling), none is lost, and none even has to try again,
    /// because one node queues its changes to a key.
    @Test func contendedChangesToOneKeyAllSucceed() async throws {
        let env = try TestEnvironment()
        let keyID = try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        let writers = 100
        let failures = try await withThrowingTaskGroup(of: String?.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    do {
                        _ = try await env.call(UpdateKeyDescription.self, #"{"KeyId":"\#(keyID)","Description":"writer \#(writer)"}"#)
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return try await group.reduce(into: [String]()) { if let failure = $1 { $0.append(failure) } }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(writers) failed, first: \(failures.first ?? "")")
        let stored = try #require(try await env.database.key(KeyID(keyID)!))
        #expect(stored.revision == Int64(writers))
        #expect(env.audit.lostCommits == 0)
    }
}
