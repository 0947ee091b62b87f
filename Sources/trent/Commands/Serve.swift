import ArgumentParser
import Foundation
import KMSServer
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the KMS server.")

    @Option(name: .long, help: "Address to listen on, HOST:PORT.")
    var listen: String = "127.0.0.1:4599"

    @OptionGroup var data: DataOptions

    @Option(name: .long, help: "Seconds between checks for keys whose deletion date has passed or whose rotation is due.")
    var deletionSweepSeconds: Int = 60

    @Option(name: .long, help: "Seconds a verified access key's secret is cached; bounds how long a revoked key keeps working.")
    var credentialCacheSeconds: Int = 30

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw ValidationError("--listen must be HOST:PORT")
        }
        guard deletionSweepSeconds > 0 else { throw ValidationError("--deletion-sweep-seconds must be positive") }
        guard credentialCacheSeconds >= 0 else { throw ValidationError("--credential-cache-seconds must not be negative") }
        let host = String(listen[..<colon])
        // Files the server creates (database, WAL, keys) are private to its user.
        umask(0o077)
        var logger = Logger(label: "trent")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        try await TrentServer.run(
            TrentServer.Configuration(
                dataDirectory: data.configuration,
                storage: SQLiteBackend(),
                host: host,
                port: port,
                deletionSweepInterval: .seconds(deletionSweepSeconds),
                credentialCacheLifetime: .seconds(credentialCacheSeconds)
            ),
            logger: logger
        )
    }
}
