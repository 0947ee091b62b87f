import ArgumentParser
import Foundation
import KMSXKSProxy
import Logging

/// `trent xks-proxy --config FILE`: an External Key Store proxy for AWS KMS
/// over the AES keys of a PKCS#11 token (XKSProxyConfiguration describes the file).
struct XKSProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xks-proxy",
        abstract: "Serve the XKS Proxy API (AWS KMS external key stores) over AES-256 keys in a PKCS#11 token.",
        discussion: "Make each key in the token first, e.g. pkcs11-tool --keygen --key-type AES:32 --label KEYID --sensitive; its label is the external key ID. The PIN and the SigV4 secrets come from the environment variables or files the configuration names."
    )

    @Option(name: .long, help: "YAML configuration: listen, region, uriPathPrefix, tls, credentials, pkcs11, auditLog, keys.")
    var config: String

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("log-level \(logLevel) is not a level: trace, debug, info, notice, warning, error or critical")
        }
        let configuration: XKSProxyConfiguration
        do {
            configuration = try XKSProxyConfiguration.load(file: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("\(config): \(error)")
        }
        // The audit log and anything else this process creates are private to its user.
        umask(0o077)
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "trent-xks-proxy")
        logger.logLevel = level
        try await XKSProxyServer.run(configuration, version: Trent.version, logger: logger)
    }
}
