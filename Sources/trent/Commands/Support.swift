import ArgumentParser
import Foundation
import KMSServer
import Logging

extension DataOptions {
    /// Opens the data directory for an admin command, alongside a running
    /// server if there is one. It must exist: a mistyped `--data` must not
    /// quietly create a new directory with a new root key.
    func open() async throws -> DataDirectory {
        try requireExisting()
        umask(0o077)
        var logger = Logger(label: "trent")
        logger.logLevel = .warning
        var configuration = configuration
        configuration.hsmRootKey = try hsmRootKey.resolveFromEnvironment()?.opener
        return try await DataDirectory.open(configuration, storage: SQLiteBackend(), logger: logger)
    }

    func requireExisting() throws {
        _ = try Self.databasePath(in: data)
    }

    /// The database of an existing data directory; a mistyped `--data` is refused, not created.
    static func databasePath(in data: String) throws -> String {
        let database = URL(fileURLWithPath: data).appendingPathComponent(SQLiteBackend.databaseFileName).path
        guard FileManager.default.fileExists(atPath: database) else {
            throw ValidationError("no Trent data directory at \(URL(fileURLWithPath: data).path): `trent serve --data \(data)` creates one")
        }
        return database
    }

    var configuration: DataDirectory.Configuration {
        DataDirectory.Configuration(path: data, region: region, rootKeyFile: rootKeyFile)
    }
}

/// Admin output is JSON, with ISO 8601 dates, so scripts can parse it.
func printJSON(_ value: some Encodable) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    guard let data = try? encoder.encode(value) else { return }
    print(String(decoding: data, as: UTF8.self))
}
