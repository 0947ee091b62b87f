/// Which policy grammar applies; it decides whether Principal is required or forbidden.
public enum PolicyKind: Sendable {
    /// Key policy or role trust policy: every statement needs Principal or NotPrincipal.
    case resource
    /// User or role inline/managed policy: Principal and NotPrincipal are forbidden.
    case identity
}

/// A policy the grammar rejects. The caller maps it to MalformedPolicyDocumentException.
public struct PolicyError: Error, Sendable, Equatable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }
}

/// The authenticated caller, as the policy language sees it.
public struct PolicyPrincipal: Sendable, Equatable {
    /// arn:aws:iam::ACCT:root, arn:aws:iam::ACCT:user/NAME or arn:aws:sts::ACCT:assumed-role/ROLE/SESSION.
    public var arn: String
    public var accountID: String
    /// arn:aws:iam::ACCT:role/ROLE for an assumed-role session: a policy naming the role matches its sessions.
    public var roleARN: String?
    public var isAccountRoot: Bool

    public init(arn: String, accountID: String, roleARN: String? = nil, isAccountRoot: Bool = false) {
        self.arn = arn
        self.accountID = accountID
        self.roleARN = roleARN
        self.isAccountRoot = isAccountRoot
    }

    public static func accountRoot(_ accountID: String) -> PolicyPrincipal {
        PolicyPrincipal(arn: "arn:aws:iam::\(accountID):root", accountID: accountID, isAccountRoot: true)
    }

    public static func user(_ name: String, accountID: String) -> PolicyPrincipal {
        PolicyPrincipal(arn: "arn:aws:iam::\(accountID):user/\(name)", accountID: accountID)
    }

    public static func assumedRole(_ roleName: String, session: String, accountID: String) -> PolicyPrincipal {
        PolicyPrincipal(
            arn: "arn:aws:sts::\(accountID):assumed-role/\(roleName)/\(session)",
            accountID: accountID,
            roleARN: "arn:aws:iam::\(accountID):role/\(roleName)"
        )
    }
}

public struct PolicyRequest: Sendable {
    /// "kms:Encrypt", "sts:AssumeRole".
    public var action: String
    /// A key ARN, a role ARN, or "*" for actions on no resource (kms:CreateKey).
    public var resource: String
    public var principal: PolicyPrincipal
    public var context: PolicyContext

    public init(action: String, resource: String, principal: PolicyPrincipal, context: PolicyContext = PolicyContext()) {
        self.action = action
        self.resource = resource
        self.principal = principal
        self.context = context
    }
}

public enum PolicyResult: Sendable, Equatable {
    /// Some applicable Deny statement matched.
    case explicitDeny
    /// No Deny matched and some Allow did.
    case allow(PrincipalMatch)
    /// Nothing matched (AWS: implicit deny unless another policy allows).
    case notApplicable
}

public enum PrincipalMatch: Sendable, Equatable {
    /// Identity policies always; resource policies when a statement names this principal itself
    /// (its user, role or session ARN, its own root, "*" or {"AWS":"*"}), or via NotPrincipal.
    case direct
    /// A resource policy statement named only the principal's account: AWS then requires the
    /// account's IAM policies to allow the request too.
    case account
}

public enum PolicyVersion: String, Sendable {
    case v2012_10_17 = "2012-10-17"
    /// Also the meaning of an absent Version; policy variables are not substituted.
    case v2008_10_17 = "2008-10-17"
}

public struct PolicyDocument: Sendable {
    public let kind: PolicyKind
    public let version: PolicyVersion
    public let id: String?
    let statements: [Statement]
    /// Every context key a condition or policy variable reads, lowercased:
    /// a caller can skip gathering a costly key no policy asks for.
    public let conditionKeys: Set<String>

    init(kind: PolicyKind, version: PolicyVersion, id: String?, statements: [Statement]) {
        self.kind = kind
        self.version = version
        self.id = id
        self.statements = statements
        var keys: Set<String> = []
        for statement in statements {
            let templates = (statement.resources ?? []) + statement.conditions.flatMap(\.values)
            keys.formUnion(statement.conditions.map { $0.key.lowercased() })
            for template in templates {
                for case .variable(let key, _) in template.parts { keys.insert(key.lowercased()) }
            }
        }
        conditionKeys = keys
    }

    /// Parses and validates the whole document; either everything is valid or it throws.
    public static func parse(_ json: String, kind: PolicyKind) throws(PolicyError) -> PolicyDocument {
        guard case .object(let members) = try JSONParser.parse(json) else {
            throw PolicyError("Syntax errors in policy: the policy must be a JSON object.")
        }
        var version = PolicyVersion.v2008_10_17
        var id: String?
        var statementValue: JSONValue?
        for member in members {
            switch member.key {
            case "Version":
                guard case .string(let text) = member.value, let parsed = PolicyVersion(rawValue: text) else {
                    throw PolicyError("The policy failed legacy parsing: Version must be \"2012-10-17\" or \"2008-10-17\".")
                }
                version = parsed
            case "Id":
                guard case .string(let text) = member.value else { throw PolicyError("Id must be a string.") }
                id = text
            case "Statement":
                statementValue = member.value
            default:
                throw PolicyError("Syntax errors in policy: unknown field \(member.key).")
            }
        }
        let rawStatements: [JSONValue]
        switch statementValue {
        case nil:
            throw PolicyError("Missing required field Statement.")
        case .array(let elements):
            guard !elements.isEmpty else { throw PolicyError("Statement must not be an empty array.") }
            rawStatements = elements
        case .some(let single):
            rawStatements = [single]
        }
        var statements: [Statement] = []
        var sids: Set<String> = []
        for raw in rawStatements {
            let statement = try Statement(parsing: raw, kind: kind, version: version)
            if let sid = statement.sid, !sids.insert(sid).inserted {
                throw PolicyError("Statement IDs (SID) in a single policy must be unique.")
            }
            statements.append(statement)
        }
        return PolicyDocument(kind: kind, version: version, id: id, statements: statements)
    }

    /// The user, role and session ARNs the document's Principal and
    /// NotPrincipal elements name, so a caller can check that they exist.
    public var namedPrincipalARNs: [String] {
        statements.flatMap { statement in
            (statement.principals ?? []).compactMap { pattern in
                if case .arn(let arn) = pattern { arn } else { nil }
            }
        }
    }

    /// AWS evaluation within one policy: an applicable Deny wins over everything, otherwise the
    /// strongest applicable Allow (.direct over .account), otherwise not applicable.
    public func evaluate(_ request: PolicyRequest) -> PolicyResult {
        let context = EvaluationContext(request: request)
        let action = request.action.lowercased()
        var best: PrincipalMatch?
        for statement in statements {
            guard let match = statement.match(request, action: action, kind: kind, context: context) else { continue }
            switch statement.effect {
            case .deny:
                return .explicitDeny
            case .allow:
                if best != .direct { best = match }
            }
        }
        return best.map(PolicyResult.allow) ?? .notApplicable
    }
}
