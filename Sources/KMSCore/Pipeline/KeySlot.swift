public import Foundation
public import KMSCrypto

/// One key a request names: where the pipeline finds it, the action the
/// caller needs on it, and the states, usages and algorithm it must accept.
/// Operations declare theirs once, as static constants; a class, so that the
/// pipeline's steps share them rather than copy them on every request.
public final class KeySlot<Request>: Sendable {
    public enum Source: Sendable {
        /// A `KeyId`-style field: key ID or key ARN, and where `aliases` is
        /// true also an alias name or alias ARN.
        case field(@Sendable (Request) -> String, name: String, aliases: Bool)
        /// The key a ciphertext blob names. `keyHint` is the KeyId a caller
        /// may add; if present it must name the same key (IncorrectKeyException).
        case ciphertext(@Sendable (Request) -> Data, keyHint: @Sendable (Request) -> String?)
        /// The key an existing alias points to now.
        case aliasTarget(@Sendable (Request) -> String)
    }

    /// An algorithm the request names, which the key's spec must support.
    public enum Algorithm: Sendable {
        case encryption(@Sendable (Request) -> String?)
        case mac(@Sendable (Request) -> String)
        case signing(@Sendable (Request) -> String)
    }

    public let role: KeyRole
    public let source: Source
    public let action: KMSAction
    public let access: KeyAccess
    /// Empty: any usage.
    public let usages: Set<KeyUsage>
    public let algorithm: Algorithm?
    /// The encryption context the request gives for this key: condition keys
    /// `kms:EncryptionContext:*` and what a grant's constraints must admit.
    public let encryptionContext: (@Sendable (Request) -> [String: String]?)?
    /// Whether the operation changes this key. Such requests run one at a time
    /// per key in this process, so only other processes can make their
    /// compare-and-swap lose. Only a slot that names its key by key ID or ARN
    /// may change it, so that the key cannot be another one by the time the
    /// request holds its turn.
    public let changesKey: Bool
    /// Whether a successful request counts as a cryptographic use of this key (GetKeyLastUsage).
    let recordsUsage: Bool

    public init(
        _ source: Source, role: KeyRole = .key, action: KMSAction, access: KeyAccess, usages: Set<KeyUsage> = [],
        algorithm: Algorithm? = nil, encryptionContext: (@Sendable (Request) -> [String: String]?)? = nil, changesKey: Bool = false
    ) {
        self.role = role
        self.source = source
        self.action = action
        self.access = access
        self.usages = usages
        self.algorithm = algorithm
        self.encryptionContext = encryptionContext
        self.changesKey = changesKey
        self.recordsUsage = KeyUsageTracker.cryptographicActions.contains(action.description)
        if changesKey {
            guard case .field(_, _, aliases: false) = source else {
                preconditionFailure("a slot that changes its key must name it by key ID or ARN")
            }
        }
    }
}

/// Which of an operation's keys a slot is.
public enum KeyRole: String, Sendable, Hashable {
    /// The one key of most operations.
    case key
    /// ReEncrypt's source and destination.
    case source, destination
    /// The key an alias points to before UpdateAlias moves it.
    case currentTarget
}

/// A key the pipeline found for a slot. A class, because each step of the
/// pipeline hands it on and copying the whole record each time shows on the data plane.
public final class ResolvedKey: Sendable {
    public let record: KeyRecord
    public let arn: String
    /// The parsed blob, for a key found through a ciphertext.
    public let ciphertext: CiphertextBlob?

    init(record: KeyRecord, arn: String, ciphertext: CiphertextBlob?) {
        self.record = record
        self.arn = arn
        self.ciphertext = ciphertext
    }
}

/// The keys of one request, by role.
public struct ResolvedKeys: Sendable {
    let entries: [(role: KeyRole, key: ResolvedKey)]

    public static let none = ResolvedKeys(entries: [])

    public subscript(role: KeyRole) -> ResolvedKey {
        guard let entry = entries.first(where: { $0.role == role }) else {
            preconditionFailure("the operation declares no \(role) key slot")
        }
        return entry.key
    }

    /// The key ARNs, for the audit record's resources.
    public var arns: [String] { entries.map(\.key.arn) }
}
