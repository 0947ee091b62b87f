import Foundation

/// Request context keys (kms:CallerAccount, aws:SourceIp, kms:EncryptionContextKeys, ...).
/// Key names are case-insensitive, as in AWS; values are strings and compared as the operator says.
public struct PolicyContext: Sendable {
    struct Entry: Sendable {
        var values: [String]
        var isMultiValued: Bool
    }

    /// Keyed by the lowercased key name.
    private var entries: [String: Entry] = [:]

    /// A key with exactly one value is single-valued unless it is listed in `multiValued`
    /// (case-insensitively); keys with zero or several values are always multi-valued.
    /// A multi-valued key with no values behaves as absent, as an empty set does in AWS.
    public init(_ values: [String: [String]] = [:], multiValued: Set<String> = []) {
        let multi = Set(multiValued.map { $0.lowercased() })
        for (key, keyValues) in values {
            set(key, keyValues, multiValued: multi.contains(key.lowercased()))
        }
    }

    /// Adds or replaces a key. Keys that differ only in case are the same key.
    public mutating func set(_ key: String, _ values: [String], multiValued: Bool = false) {
        entries[key.lowercased()] = Entry(values: values, isMultiValued: multiValued || values.count != 1)
    }

    /// The values of a key, or nil when the key is absent.
    public func values(for key: String) -> [String]? {
        entries[key.lowercased()]?.values
    }

    public func isMultiValued(_ key: String) -> Bool {
        entries[key.lowercased()]?.isMultiValued ?? false
    }
}

/// The request context as conditions and policy variables see it: the caller's context plus
/// the global keys AWS derives from the principal. Caller-supplied keys take precedence.
struct EvaluationContext {
    private let context: PolicyContext
    private let derived: [String: String]

    init(request: PolicyRequest) {
        context = request.context
        let principal = request.principal
        var derived = [
            "aws:principalaccount": principal.accountID,
            // For a session AWS reports the role ARN, which is what policies compare it against.
            "aws:principalarn": principal.roleARN ?? principal.arn,
        ]
        if principal.isAccountRoot {
            derived["aws:principaltype"] = "Account"
            // AWS documents the root user's aws:userid as the account ID.
            derived["aws:userid"] = principal.accountID
        } else if principal.roleARN != nil {
            derived["aws:principaltype"] = "AssumedRole"
        } else if let range = principal.arn.range(of: ":user/") {
            derived["aws:principaltype"] = "User"
            // aws:username exists only for IAM users: the last path component of the user ARN.
            derived["aws:username"] = String(principal.arn[range.upperBound...].split(separator: "/").last ?? "")
        }
        self.derived = derived
    }

    /// All values of a key for condition evaluation, or nil when it is absent or an empty set.
    func values(for key: String) -> [String]? {
        if let values = context.values(for: key) {
            return values.isEmpty ? nil : values
        }
        return derived[key.lowercased()].map { [$0] }
    }

    /// The value a policy variable resolves to. AWS does not substitute multi-valued keys.
    func variable(_ key: String) -> String? {
        if let values = context.values(for: key) {
            return context.isMultiValued(key) ? nil : values.first
        }
        return derived[key.lowercased()]
    }
}
