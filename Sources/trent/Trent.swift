import ArgumentParser
import Foundation

struct Trent: AsyncParsableCommand {
    static let version = "0.8.0"

    static let configuration = CommandConfiguration(
        commandName: "trent",
        abstract: "A self-hostable key management service that speaks the AWS KMS API.",
        version: Trent.version,
        subcommands: [Serve.self, User.self, AccessKey.self, Audit.self, HSM.self, RootKeyCommand.self, XKSProxyCommand.self]
    )
}

/// Options every subcommand that opens a data directory shares.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory (SQLite database, root key, generated credentials).")
    var data: String = "./trent-data"

    @Option(name: .long, help: "AWS region this server answers for.")
    var region: String = ProcessInfo.processInfo.environment["TRENT_REGION"] ?? "us-east-1"

    @Option(name: .long, help: "File holding the 256-bit root key (raw or base64). Default: <data>/root.key, created on first start. TRENT_ROOT_KEY (base64) takes precedence.")
    var rootKeyFile: String?

    @OptionGroup var hsmRootKey: HSMRootKeyOptions
}
