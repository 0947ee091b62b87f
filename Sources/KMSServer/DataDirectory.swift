public import Foundation
public import KMSCore
public import KMSCrypto
public import Logging
public import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// A Trent data directory: the metadata store the storage backend keeps there,
/// the root key (unless supplied from outside), the generated root
/// credentials and the server lock.
///
/// Opening it performs first-start initialisation idempotently, so `trent
/// serve` and the admin subcommands can both be the first to touch it.
public struct DataDirectory: Sendable {
    public struct Configuration: Sendable {
        public var path: String
        public var region: String
        /// A file holding the root key (32 raw bytes or their base64); defaults to `<data>/root.key`.
        public var rootKeyFile: String?
        /// The process environment, for TRENT_ROOT_KEY, TRENT_ACCOUNT_ID and the root credentials.
        public var processEnvironment: [String: String]
        /// A root key held in an HSM instead of a file; `mayCreate` is true for a
        /// data directory no root key has been used with yet.
        public var hsmRootKey: (@Sendable (_ mayCreate: Bool) async throws -> any RootKeyCipher)?

        public init(path: String, region: String, rootKeyFile: String? = nil, processEnvironment: [String: String] = ProcessInfo.processInfo.environment) {
            self.path = path
            self.region = region
            self.rootKeyFile = rootKeyFile
            self.processEnvironment = processEnvironment
        }
    }

    public let store: any MetadataStore & Service
    public let keyStore: SoftwareKeyStore
    public let accountID: String
    public let identities: Identities

    public static let rootKeyFileName = "root.key"
    public static let credentialsFileName = "credentials"

    public static func open(
        _ configuration: Configuration, storage: any StorageBackend, logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) async throws -> DataDirectory {
        let directory = URL(fileURLWithPath: configuration.path, isDirectory: true)
        try makePrivateDirectory(configuration.path)
        let store = try await storage.openStore(in: directory)
        let existingCheck = try await store.setting(rootKeyCheckSetting)
        let rootKey: RootKey
        if let hsmRootKey = configuration.hsmRootKey {
            rootKey = RootKey(cipher: try await hsmRootKey(existingCheck == nil))
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(rootKeyFileName).path) {
                logger.warning("a root key file lies in the data directory although the root key is in an HSM; once the directory is migrated, remove it", metadata: [
                    "file": "\(directory.appendingPathComponent(rootKeyFileName).path)",
                ])
            }
        } else {
            rootKey = try loadRootKey(configuration, directory: directory, mayGenerate: existingCheck == nil, logger: logger)
        }
        let sealer = SecretSealer(rootKey: rootKey)

        let check = try await store.initializeSetting(rootKeyCheckSetting, to: try await sealer.makeRootKeyCheck())
        guard await sealer.verifyRootKeyCheck(check) else {
            throw StartupError("The root key does not match the one this data directory was created with (a directory moves to an HSM root key with `trent root-key migrate`).")
        }
        let accountID = try await initializeAccountID(store: store, environment: configuration.processEnvironment)
        let identities = Identities(store: store, sealer: sealer, accountID: accountID, now: now)
        try await initializeRootUser(identities: identities, configuration: configuration, directory: directory, logger: logger)
        return DataDirectory(store: store, keyStore: SoftwareKeyStore(rootKey: rootKey), accountID: accountID, identities: identities)
    }

    // MARK: root key

    /// The software root key a directory was opened with (its file or TRENT_ROOT_KEY), never a new one: what a migration moves away from.
    public static func existingSoftwareRootKey(_ configuration: Configuration, logger: Logger) throws -> RootKey {
        try loadRootKey(configuration, directory: URL(fileURLWithPath: configuration.path, isDirectory: true), mayGenerate: false, logger: logger)
    }

    public static let rootKeyCheckSetting = "root-key-check"

    /// `mayGenerate` is true only for a directory no root key has been used with
    /// yet: an existing one whose key came from outside must not silently get a
    /// fresh `root.key` that can never open it.
    static func loadRootKey(_ configuration: Configuration, directory: URL, mayGenerate: Bool, logger: Logger) throws -> RootKey {
        if let encoded = configuration.processEnvironment["TRENT_ROOT_KEY"] {
            return try decodeRootKey(Array(encoded.utf8), source: "TRENT_ROOT_KEY")
        }
        if let path = configuration.rootKeyFile {
            return try decodeRootKey(Array(try Data(contentsOf: URL(fileURLWithPath: path))), source: path)
        }
        let file = directory.appendingPathComponent(rootKeyFileName)
        if FileManager.default.fileExists(atPath: file.path) {
            return try decodeRootKey(Array(try Data(contentsOf: file)), source: file.path)
        }
        guard mayGenerate else {
            throw StartupError("This data directory's root key was supplied from outside; set TRENT_ROOT_KEY or --root-key-file.")
        }
        let raw = RootKey.generateRawBytes()
        try writeSecretFile(file, contents: Data(raw).base64EncodedString() + "\n")
        logger.notice("generated a new root key; back it up, without it no key in this directory can be used", metadata: ["file": "\(file.path)"])
        return try RootKey(rawBytes: raw)
    }

    /// Accepts the 32 raw bytes or their base64 (with surrounding whitespace).
    private static func decodeRootKey(_ bytes: [UInt8], source: String) throws -> RootKey {
        if bytes.count == RootKey.byteCount { return try RootKey(rawBytes: bytes) }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let decoded = Data(base64Encoded: text), decoded.count == RootKey.byteCount else {
            throw StartupError("The root key from \(source) must be 32 bytes, raw or base64-encoded.")
        }
        return try RootKey(rawBytes: decoded)
    }

    // MARK: account and root identity

    private static func initializeAccountID(store: any MetadataStore, environment: [String: String]) async throws -> String {
        let proposed: String
        if let supplied = environment["TRENT_ACCOUNT_ID"] {
            guard supplied.count == 12, supplied.allSatisfy(\.isASCIIDigit) else {
                throw StartupError("TRENT_ACCOUNT_ID must be 12 digits.")
            }
            proposed = supplied
        } else {
            proposed = String((0..<12).map { _ in Character(String(Int.random(in: 0...9))) })
        }
        return String(decoding: try await store.initializeSetting("account-id", to: Array(proposed.utf8)), as: UTF8.self)
    }

    private static func initializeRootUser(identities: Identities, configuration: Configuration, directory: URL, logger: Logger) async throws {
        guard try await identities.store.user(named: Identities.rootUserName) == nil else { return }
        let env = configuration.processEnvironment
        do {
            switch (env["TRENT_ROOT_ACCESS_KEY_ID"], env["TRENT_ROOT_SECRET_ACCESS_KEY"]) {
            case let (id?, secret?):
                try await identities.createUser(named: Identities.rootUserName, accessKeyID: id, secret: secret)
                logger.notice("created the root identity from TRENT_ROOT_ACCESS_KEY_ID", metadata: ["access-key-id": "\(id)"])
            case (nil, nil):
                let issued = try await identities.createUser(named: Identities.rootUserName)
                let file = directory.appendingPathComponent(credentialsFileName)
                try writeSecretFile(file, contents: """
                    [default]
                    aws_access_key_id = \(issued.AccessKeyId)
                    aws_secret_access_key = \(issued.SecretAccessKey)

                    """)
                logger.notice("created the root identity; its credentials are in the data directory", metadata: ["file": "\(file.path)"])
            default:
                throw StartupError("Set both TRENT_ROOT_ACCESS_KEY_ID and TRENT_ROOT_SECRET_ACCESS_KEY, or neither.")
            }
        } catch let error as KMSError where error.code == .alreadyExists {
            // Another process initialised the directory at the same moment.
        }
    }

    /// Creates a file readable only by its owner; fails rather than overwrite.
    private static func writeSecretFile(_ url: URL, contents: String) throws {
        let fd = Glibc.open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StartupError("Cannot create \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw StartupError("Cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    // MARK: server lock

    /// Takes the exclusive server lock on the directory; held until the process exits.
    /// The embedded store serves one node; two servers on one directory would
    /// each see the other's changes only after the metadata cache lifetime.
    public static func lockForServing(_ path: String) throws {
        try makePrivateDirectory(path)
        let lockPath = URL(fileURLWithPath: path).appendingPathComponent("trent.lock").path
        let fd = Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StartupError("Cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StartupError("Another Trent server is already using \(path).")
        }
    }
}

extension DataDirectory {
    /// Creates the directory, or takes an existing one, as private to this
    /// user (0700): it holds the database, the root key and credentials. A
    /// directory that cannot be made private is refused.
    static func makePrivateDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        if mode & 0o077 != 0, chmod(path, 0o700) != 0 {
            throw StartupError(
                "The data directory \(path) is open to other users (mode \(String(mode, radix: 8))) and cannot be made private: \(String(cString: strerror(errno)))"
            )
        }
    }
}

public struct StartupError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
