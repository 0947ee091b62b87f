import ArgumentParser
import Foundation
import KMSAudit
import KMSCore
import KMSCrypto
import KMSServer
import KMSStorageSQLite
import Logging

struct RootKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "root-key",
        abstract: "Move a data directory's root key into an HSM.",
        subcommands: [Migrate.self]
    )

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rewrap everything sealed under the software root key (key versions, access-key secrets, custom key store passwords, the audit signing key) under a root key in a PKCS#11 token, in one transaction, then delete the root key file. The server must be stopped. STS session tokens and import tokens issued before stop working."
        )

        @Option(name: .long, help: "Data directory.")
        var data: String = "./trent-data"

        @Option(name: .long, help: "The current root key's file, if not <data>/root.key (TRENT_ROOT_KEY takes precedence).")
        var rootKeyFile: String?

        @OptionGroup var destination: HSMRootKeyOptions

        @Flag(name: .long, help: "Keep the software root key file (for a backup kept elsewhere); by default it is overwritten and deleted.")
        var keepRootKeyFile = false

        func run() async throws {
            guard let hsm = try destination.resolveFromEnvironment() else {
                throw ValidationError("name the destination: --root-key-pkcs11-module, --root-key-pkcs11-token-label and the PIN")
            }
            let database = try DataOptions.databasePath(in: data)
            // A server running on the directory would keep writing under the old key.
            try DataDirectory.lockForServing(data)
            var logger = Logger(label: "trent")
            logger.logLevel = .warning
            let configuration = DataDirectory.Configuration(path: data, region: "us-east-1", rootKeyFile: rootKeyFile)
            let source = try DataDirectory.existingSoftwareRootKey(configuration, logger: logger)
            let store = try SQLiteMetadataStore(path: database)
            guard let check = try await store.setting(DataDirectory.rootKeyCheckSetting), await SecretSealer(rootKey: source).verifyRootKeyCheck(check) else {
                throw ValidationError("the root key given is not this data directory's")
            }
            let target = RootKey(cipher: try await hsm.opener(true))

            let items = try await store.rootKeySealedItems(settings: [DataDirectory.rootKeyCheckSetting, AuditSigner.privateKeySetting])
            var moved: [RootKeySealedItem] = []
            var counts: [String: Int] = [:]
            for item in items {
                var next = item
                switch item.owner {
                case .keyVersion(let id, let version, let format, let spec):
                    next.sealed = try await source.rewrap(item.sealed, format: format, spec: spec, keyID: id.uuid, version: version, under: target)
                    counts["KeyVersions", default: 0] += 1
                case .accessKeySecret(let id):
                    next.sealed = try await source.reseal(item.sealed, purpose: SecretSealer.accessKeyPurpose(id), under: target)
                    counts["AccessKeySecrets", default: 0] += 1
                case .customKeyStorePassword(let id):
                    next.sealed = try await source.reseal(item.sealed, purpose: SecretSealer.customKeyStoreSecretPurpose(id), under: target)
                    counts["CustomKeyStorePasswords", default: 0] += 1
                case .setting(let name):
                    let purpose = name == AuditSigner.privateKeySetting ? AuditSigner.sealPurpose : SecretSealer.rootKeyCheckPurpose
                    next.sealed = try await source.reseal(item.sealed, purpose: purpose, under: target)
                    counts["Settings", default: 0] += 1
                }
                moved.append(next)
            }
            try await store.replaceRootKeySealedItems(moved)
            guard let migrated = try await store.setting(DataDirectory.rootKeyCheckSetting), await SecretSealer(rootKey: target).verifyRootKeyCheck(migrated) else {
                throw ValidationError("the migrated data directory does not open with the HSM root key")
            }

            var removed: String?
            let defaultFile = URL(fileURLWithPath: data).appendingPathComponent(DataDirectory.rootKeyFileName)
            if !keepRootKeyFile, rootKeyFile == nil, FileManager.default.fileExists(atPath: defaultFile.path) {
                try Self.destroy(defaultFile)
                removed = defaultFile.path
            }
            printJSON(MigrationReport(Migrated: counts, RootKey: "pkcs11:token=\(hsm.tokenLabel);object=\(hsm.keyLabel)", RemovedRootKeyFile: removed))
        }

        /// Overwrites the file before unlinking it, so the old key is not left in its blocks on a simple file system.
        static func destroy(_ file: URL) throws {
            let handle = try FileHandle(forWritingTo: file)
            let size = try handle.seekToEnd()
            try handle.seek(toOffset: 0)
            try handle.write(contentsOf: Data(count: Int(size)))
            try handle.synchronize()
            try handle.close()
            try FileManager.default.removeItem(at: file)
        }
    }

    struct MigrationReport: Encodable {
        var Migrated: [String: Int]
        var RootKey: String
        var RemovedRootKeyFile: String?
    }
}
