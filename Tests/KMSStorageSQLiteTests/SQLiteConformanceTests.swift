import Foundation
import KMSCore
import KMSStorageSQLite
import KMSTestSupport
import Testing

/// The `MetadataStore` contract against the embedded store, alone and behind
/// the cache layer the server puts in front of it.
@Suite("MetadataStore conformance: SQLite")
struct SQLiteConformanceTests {
    static func withFreshDatabase(_ body: (SQLiteMetadataStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trent-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(try SQLiteMetadataStore(path: directory.appendingPathComponent("trent.sqlite").path))
    }

    @Test(arguments: MetadataStoreConformance.checks)
    func sqlite(_ check: MetadataStoreConformance.Check) async throws {
        try await Self.withFreshDatabase { store in try await check.run(store) }
    }

    @Test(arguments: MetadataStoreConformance.checks)
    func cachedSQLite(_ check: MetadataStoreConformance.Check) async throws {
        try await Self.withFreshDatabase { store in try await check.run(CachingMetadataStore(store, lifetime: .seconds(60))) }
    }
}
