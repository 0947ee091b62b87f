import Foundation
import KMSCore
import KMSStorageSQLite
import KMSTestSupport
import Testing

/// The audit search index is filled off the commit path, so it can lag the
/// chain; these check that it catches up by itself, that a search never
/// misses a committed record, and that `auditSearchMismatch` (what `trent
/// audit verify` asks) finds every edit of the unhashed index.
@Suite("SQLite audit search index")
struct SQLiteAuditSearchTests {
    static let key = AuditResource(type: "AWS::KMS::Key", name: "arn:aws:kms:us-east-1:111122223333:key/k1")

    static func commitThree(_ store: SQLiteMetadataStore) async throws {
        let rows = ["a", "b", "c"].map { MetadataStoreConformance.auditRow($0, resources: [key]) }
        _ = try await store.commitAudited(rows.map { AuditedWrites(writes: [], record: $0) })
    }

    @Test func aSearchRightAfterTheCommitFindsTheRecord() async throws {
        try await SQLiteConformanceTests.withFreshDatabase { store in
            try await Self.commitThree(store)
            let found = try await store.lookupAuditRecords(AuditQuery(attribute: .resourceName(Self.key.name), limit: 10))
            #expect(found.map(\.sequence) == [3, 2, 1])
        }
    }

    @Test func theCommitThreadIndexesWhenIdleWithoutASearch() async throws {
        try await SQLiteConformanceTests.withFreshDatabase { store in
            try await Self.commitThree(store)
            // Until record 2 is indexed, the edit changes nothing and no mismatch shows.
            var mismatch: Int64?
            let deadline = ContinuousClock.now + .seconds(5)
            while mismatch == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                try await store.runUnsafeSQL("UPDATE audit_search SET event_name = 'Tampered' WHERE sequence = 2")
                mismatch = try await store.auditSearchMismatch()
            }
            #expect(mismatch == 2)
        }
    }

    @Test(arguments: [
        "UPDATE audit_search SET username = 'mallory' WHERE sequence = 2",
        "UPDATE audit_search SET event_time = event_time + 1 WHERE sequence = 2",
        "DELETE FROM audit_search WHERE sequence = 2",
        "DELETE FROM audit_search_resources WHERE sequence = 2",
        "UPDATE audit_search_resources SET resource_name = 'arn:aws:kms:us-east-1:111122223333:key/k2' WHERE sequence = 2",
        "INSERT INTO audit_search_resources VALUES (2, 1, 'AWS::KMS::Key', 'arn:aws:kms:us-east-1:111122223333:key/k2')",
        "UPDATE audit_search_state SET indexed_through = 1",
    ])
    func everyEditOfTheIndexIsAMismatch(_ edit: String) async throws {
        try await SQLiteConformanceTests.withFreshDatabase { store in
            try await Self.commitThree(store)
            _ = try await store.lookupAuditRecords(AuditQuery(limit: 1))
            #expect(try await store.auditSearchMismatch() == nil)
            try await store.runUnsafeSQL(edit)
            #expect(try await store.auditSearchMismatch() == 2)
        }
    }
}
