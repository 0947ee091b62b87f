import Dispatch
import KMSCore
@testable import KMSStorageSQLite
import KMSTestSupport
import Synchronization
import Testing

@Suite("SQLite group committer")
struct SQLiteGroupCommitterTests {
    /// Everything submitted while a commit runs goes into the next
    /// transaction together: the whole point of group commit.
    @Test func submissionsWhileACommitRunsShareTheNextTransaction() async throws {
        let gate = DispatchSemaphore(value: 0)
        let batches = Mutex<[Int]>([])
        let committer = SQLiteGroupCommitter(
            name: "test-commit",
            commit: { entries in
                let isFirst = batches.withLock { batches in
                    batches.append(entries.count)
                    return batches.count == 1
                }
                // The first commit holds the thread until every other request waits.
                if isFirst { gate.wait() }
                return entries.indices.map { .committed(sequence: Int64($0)) }
            },
            index: {}
        )
        defer { committer.stop() }
        let entry = AuditedWrites(writes: [], record: MetadataStoreConformance.auditRow("x"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await committer.submit([entry]) }
            while batches.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(2)) }
            for _ in 0..<399 { group.addTask { _ = try await committer.submit([entry]) } }
            while committer.waitingCount < 399 { try await Task.sleep(for: .milliseconds(2)) }
            gate.signal()
            try await group.waitForAll()
        }
        #expect(batches.withLock { $0 } == [1, 399])
    }
}
