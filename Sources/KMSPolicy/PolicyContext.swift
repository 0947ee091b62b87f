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
    private var lookup: (@Sendable (String) -> (values: [String], multiValued: Bool)?)?

    /// A context whose keys are computed when a condition or variable asks
    /// for one, so a request pays only for the keys its policies use.
    /// `lookup` receives the lowercased key name; nil means absent.
    public init(lookup: @escaping @Sendable (_ lowercasedKey: String) -> (values: [String], multiValued: Bool)?) {
        self.lookup = lookup
    }

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
        entry(key)?.values
    }

    public func isMultiValued(_ key: String) -> Bool {
        entry(key)?.isMultiValued ?? false
    }

    private func entry(_ key: String) -> Entry? {
        entry(lowercased: key.lowercased())
    }

    func values(lowercased name: String) -> [String]? {
        entry(lowercased: name)?.values
    }

    private func entry(lowercased name: String) -> Entry? {
        if let entry = entries[name] { return entry }
        return lookup?(name).map { Entry(values: $0.values, isMultiValued: $0.multiValued || $0.values.count != 1) }
    }
}

/// The request context as conditions and policy variables see it: the caller's context plus
/// the global keys AWS derives from the principal. Caller-supplied keys take precedence.
struct EvaluationContext {
    private let context: PolicyContext
    private let principal: PolicyPrincipal

    init(request: PolicyRequest) {
        context = request.context
        principal = request.principal
    }

    /// The global keys AWS derives from the principal, computed when asked for.
    private func derived(lowercased key: String) -> String? {
        switch key {
        case "aws:principalaccount":
            return principal.accountID
        case "aws:principalarn":
            // For a session AWS reports the role ARN, which is what policies compare it against.
            return principal.roleARN ?? principal.arn
        case "aws:principaltype":
            if principal.isAccountRoot { return "Account" }
            if principal.roleARN != nil { return "AssumedRole" }
            return principal.arn.contains(":user/") ? "User" : nil
        case "aws:userid":
            // AWS documents the root user's aws:userid as the account ID.
            return principal.isAccountRoot ? principal.accountID : nil
        case "aws:username":
            // aws:username exists only for IAM users: the last path component of the user ARN.
            guard !principal.isAccountRoot, principal.roleARN == nil, let range = principal.arn.range(of: ":user/") else { return nil }
            return String(principal.arn[range.upperBound...].split(separator: "/").last ?? "")
        default:
            return nil
        }
    }

    /// All values of a key for condition evaluation, or nil when it is absent or an empty set.
    /// Conditions keep their key lowercased from parse time, so the request path lowercases nothing.
    func values(lowercased key: String) -> [String]? {
        if let values = context.values(lowercased: key) {
            return values.isEmpty ? nil : values
        }
        return derived(lowercased: key).map { [$0] }
    }

    /// The value a policy variable resolves to. AWS does not substitute multi-valued keys.
    func variable(_ key: String) -> String? {
        if let values = context.values(for: key) {
            return context.isMultiValued(key) ? nil : values.first
        }
        return derived(lowercased: key.lowercased())
    }
}
