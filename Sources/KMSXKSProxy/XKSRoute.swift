/// What a request path asks for: `{prefix}/kms/xks/v1/health`, or
/// `{prefix}/kms/xks/v1/keys/{externalKeyId}/metadata|encrypt|decrypt`.
public enum XKSRoute: Sendable, Equatable {
    case health
    case key(id: String, operation: XKSKeyOperation)

    /// The spec's API name, for the audit log.
    public var apiName: String {
        switch self {
        case .health: "GetHealthStatus"
        case .key(_, .metadata): "GetKeyMetadata"
        case .key(_, .encrypt): "Encrypt"
        case .key(_, .decrypt): "Decrypt"
        }
    }

    /// Nil for any other path, which the spec answers with InvalidUriPathException.
    /// `path` is the raw path, without the query; `prefix` is `""` or starts with `/`.
    public init?(path: String, prefix: String) {
        let base = prefix + "/kms/xks/v1/"
        guard path.hasPrefix(base) else { return nil }
        let rest = path.dropFirst(base.count).split(separator: "/", omittingEmptySubsequences: false)
        switch rest.count {
        case 1 where rest[0] == "health":
            self = .health
        case 3 where rest[0] == "keys" && !rest[1].isEmpty:
            guard let operation = XKSKeyOperation(rawValue: String(rest[2])) else { return nil }
            self = .key(id: String(rest[1]), operation: operation)
        default:
            return nil
        }
    }
}

/// The three operations on an external key, named as their URIs end; the
/// access rules of the configuration name them the same way.
public enum XKSKeyOperation: String, Sendable, Hashable, CaseIterable, Codable {
    case metadata
    case encrypt
    case decrypt
}
