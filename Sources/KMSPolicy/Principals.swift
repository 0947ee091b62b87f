/// One entry of a Principal or NotPrincipal element.
enum PrincipalPattern: Sendable, Equatable {
    /// "*" or {"AWS": "*"}: everyone, including anonymous callers in AWS.
    case anyone
    /// "ACCT" or "arn:aws:iam::ACCT:root".
    case account(String)
    /// A user, role or assumed-role session ARN, compared exactly.
    case arn(String)
    /// Service, Federated and CanonicalUser principals: valid, but never one of our callers.
    case other

    /// The Principal element semantics.
    func match(_ principal: PolicyPrincipal) -> PrincipalMatch? {
        switch self {
        case .anyone:
            return .direct
        case .account(let accountID):
            guard accountID == principal.accountID else { return nil }
            // The root user is the account itself and is not subject to IAM policies.
            return principal.isAccountRoot ? .direct : .account
        case .arn(let arn):
            return arn == principal.arn || arn == principal.roleARN ? .direct : nil
        case .other:
            return nil
        }
    }

    /// The NotPrincipal element semantics: does this entry exclude the principal? Naming an account
    /// excludes only its root user; a session is excluded by its session ARN or its role ARN.
    func names(_ principal: PolicyPrincipal) -> Bool {
        match(principal) == .direct
    }

    private static let principalTypes: Set<String> = ["AWS", "Service", "Federated", "CanonicalUser"]
    private static let invalid = PolicyError("Policy contains a statement with one or more invalid principals.")

    static func parse(_ value: JSONValue) throws(PolicyError) -> [PrincipalPattern] {
        switch value {
        case .string("*"):
            return [.anyone]
        case .object(let members) where !members.isEmpty:
            var patterns: [PrincipalPattern] = []
            for member in members {
                guard principalTypes.contains(member.key) else { throw invalid }
                let values: [String]
                do {
                    values = try Statement.strings(member.value, field: member.key)
                } catch {
                    throw invalid
                }
                for text in values {
                    guard !text.isEmpty else { throw invalid }
                    patterns.append(member.key == "AWS" ? try awsPrincipal(text) : .other)
                }
            }
            return patterns
        default:
            throw invalid
        }
    }

    private static func awsPrincipal(_ text: String) throws(PolicyError) -> PrincipalPattern {
        if text == "*" { return .anyone }
        if isAccountID(text[...]) { return .account(text) }
        // AWS allows no wildcards inside principal ARNs.
        guard !text.contains("*"), !text.contains("?") else { throw invalid }
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1] == "aws", parts[3].isEmpty, isAccountID(parts[4]) else {
            throw invalid
        }
        let resource = parts[5].split(separator: "/", omittingEmptySubsequences: false)
        switch (parts[2], resource.first) {
        case ("iam", "root") where resource.count == 1:
            return .account(String(parts[4]))
        case ("iam", "user"), ("iam", "role"):
            // Optional path segments, then a name; no empty segments.
            guard resource.count >= 2, resource.allSatisfy({ !$0.isEmpty }) else { throw invalid }
            return .arn(text)
        case ("sts", "assumed-role"):
            guard resource.count == 3, resource.allSatisfy({ !$0.isEmpty }) else { throw invalid }
            return .arn(text)
        default:
            throw invalid
        }
    }

    private static func isAccountID(_ text: Substring) -> Bool {
        text.count == 12 && text.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
