import Foundation
import KMSCore
import KMSServer
import KMSStorageSQLite
import ServiceLifecycle

/// The embedded default: `trent.sqlite` in the data directory.
struct SQLiteBackend: StorageBackend {
    static let databaseFileName = "trent.sqlite"

    func openStore(in directory: URL) async throws -> any MetadataStore & Service {
        try SQLiteMetadataStore(path: directory.appendingPathComponent(Self.databaseFileName).path)
    }
}
