/// One external key of the configuration: the label of an AES-256 key in the
/// token, whether it is disabled, and who may do what with it.
public struct XKSKeyPolicy: Sendable, Equatable {
    public var id: String
    /// Answered as keyStatus DISABLED; encrypt and decrypt then fail with InvalidStateException.
    public var disabled: Bool
    public var rules: [XKSAccessRule]

    public init(id: String, disabled: Bool = false, rules: [XKSAccessRule]) {
        self.id = id
        self.disabled = disabled
        self.rules = rules
    }

    /// Whether a rule lets `principal` (requestMetadata.awsPrincipalArn) run `operation`; none means no.
    public func permits(principal: String, operation: XKSKeyOperation) -> Bool {
        rules.contains { $0.operations.contains(operation) && $0.principals.contains { XKSAccessRule.matches(pattern: $0, principal) } }
    }
}

/// Principals (ARN patterns, `*` matching any run of characters, `/` and `:` included)
/// allowed the listed operations.
public struct XKSAccessRule: Sendable, Equatable {
    public var principals: [String]
    public var operations: Set<XKSKeyOperation>

    public init(principals: [String], operations: Set<XKSKeyOperation>) {
        self.principals = principals
        self.operations = operations
    }

    /// Glob match over bytes, `*` only: an ARN has no other special character to escape.
    /// Linear backtracking (the last `*` only), so a hostile pattern or ARN costs O(n·m) at worst.
    public static func matches(pattern: String, _ value: String) -> Bool {
        let p = Array(pattern.utf8)
        let v = Array(value.utf8)
        var i = 0
        var j = 0
        var star: Int?
        var resume = 0
        while j < v.count {
            if i < p.count, p[i] == UInt8(ascii: "*") {
                star = i
                resume = j
                i += 1
            } else if i < p.count, p[i] == v[j] {
                i += 1
                j += 1
            } else if let star {
                i = star + 1
                resume += 1
                j = resume
            } else {
                return false
            }
        }
        while i < p.count, p[i] == UInt8(ascii: "*") { i += 1 }
        return i == p.count
    }
}
