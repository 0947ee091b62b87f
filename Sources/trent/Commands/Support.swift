import Foundation
import KMSServer
import Logging

extension DataOptions {
    /// Opens the data directory for an admin command, alongside a running server if there is one.
    func open() async throws -> DataDirectory {
        umask(0o077)
        var logger = Logger(label: "trent")
        logger.logLevel = .warning
        return try await DataDirectory.open(configuration, storage: SQLiteBackend(), logger: logger)
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
