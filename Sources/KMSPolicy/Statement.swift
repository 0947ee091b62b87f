struct Statement: Sendable {
    enum Effect: Sendable {
        case allow, deny
    }

    let sid: String?
    let effect: Effect
    /// Lowercased action globs; actions match case-insensitively.
    let actions: [Glob]
    let actionsNegated: Bool
    /// Nil when a resource policy omits Resource: the statement covers the policy's own resource.
    let resources: [PolicyTemplate]?
    let resourcesNegated: Bool
    /// Nil for identity policies.
    let principals: [PrincipalPattern]?
    let principalsNegated: Bool
    let conditions: [Condition]

    /// How this statement applies to the request, or nil when it does not.
    /// `action` is the request's, lowercased once for all statements.
    func match(_ request: PolicyRequest, action: String, kind: PolicyKind, context: EvaluationContext) -> PrincipalMatch? {
        guard actions.contains(where: { $0.matches(action) }) != actionsNegated else { return nil }
        if let resources {
            // An unresolvable policy variable makes that resource entry match nothing.
            let hit = resources.contains { $0.resolve(context)?.glob.matches(request.resource) ?? false }
            guard hit != resourcesNegated else { return nil }
        }
        let principalMatch: PrincipalMatch
        switch (kind, principals) {
        case (.identity, _), (.resource, nil):
            // Identity policies apply to the identity they are attached to.
            principalMatch = .direct
        case (.resource, let patterns?):
            if principalsNegated {
                // NotPrincipal excludes only principals it names itself; everyone else is covered
                // as directly as by "*".
                guard !patterns.contains(where: { $0.names(request.principal) }) else { return nil }
                principalMatch = .direct
            } else {
                let matches = patterns.compactMap { $0.match(request.principal) }
                guard let best = matches.contains(.direct) ? .direct : matches.first else { return nil }
                principalMatch = best
            }
        }
        guard conditions.allSatisfy({ $0.evaluate(context) }) else { return nil }
        return principalMatch
    }
}

extension Statement {
    private static let knownKeys: Set<String> = [
        "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition",
    ]

    init(parsing value: JSONValue, kind: PolicyKind, version: PolicyVersion) throws(PolicyError) {
        guard case .object(let members) = value else { throw PolicyError("Each Statement must be a JSON object.") }
        var fields: [String: JSONValue] = [:]
        for member in members {
            guard Self.knownKeys.contains(member.key) else {
                throw PolicyError("Syntax errors in policy: unknown field \(member.key) in Statement.")
            }
            fields[member.key] = member.value
        }

        switch fields["Sid"] {
        case nil: sid = nil
        case .string(let text)?: sid = text
        case .some: throw PolicyError("Sid must be a string.")
        }

        switch fields["Effect"] {
        case nil: throw PolicyError("Missing required field Effect.")
        case .string("Allow")?: effect = .allow
        case .string("Deny")?: effect = .deny
        case .some: throw PolicyError("Invalid effect: Effect must be \"Allow\" or \"Deny\".")
        }

        let (actionField, actionValue) = try Self.exactlyOne("Action", "NotAction", in: fields)
        actionsNegated = actionField == "NotAction"
        actions = try Self.strings(actionValue, field: actionField).map { (action) throws(PolicyError) in
            guard Self.isValidAction(action) else { throw PolicyError("Invalid action: \(action).") }
            return Glob(pattern: action.lowercased())
        }

        switch kind {
        case .identity:
            guard fields["Principal"] == nil, fields["NotPrincipal"] == nil else {
                throw PolicyError("Policy document should not specify a principal.")
            }
            principals = nil
            principalsNegated = false
        case .resource:
            let (field, value) = try Self.exactlyOne("Principal", "NotPrincipal", in: fields)
            principalsNegated = field == "NotPrincipal"
            principals = try PrincipalPattern.parse(value)
        }

        if kind == .resource, fields["Resource"] == nil, fields["NotResource"] == nil {
            resources = nil
            resourcesNegated = false
        } else {
            let (field, value) = try Self.exactlyOne("Resource", "NotResource", in: fields)
            resourcesNegated = field == "NotResource"
            resources = try Self.strings(value, field: field).map { (resource) throws(PolicyError) in
                guard resource == "*" || resource.hasPrefix("arn:") else {
                    throw PolicyError("Resource \(resource) must be in ARN format or \"*\".")
                }
                return PolicyTemplate(resource, substitutesVariables: version == .v2012_10_17)
            }
        }

        conditions = try fields["Condition"].map { (block) throws(PolicyError) in
            try Condition.parseBlock(block, version: version)
        } ?? []
    }

    private static func exactlyOne(
        _ positive: String, _ negative: String, in fields: [String: JSONValue]
    ) throws(PolicyError) -> (String, JSONValue) {
        switch (fields[positive], fields[negative]) {
        case (let value?, nil): return (positive, value)
        case (nil, let value?): return (negative, value)
        case (nil, nil): throw PolicyError("Missing required field \(positive).")
        case (_?, _?): throw PolicyError("A statement must not contain both \(positive) and \(negative).")
        }
    }

    /// A string or a non-empty array of strings.
    static func strings(_ value: JSONValue, field: String) throws(PolicyError) -> [String] {
        switch value {
        case .string(let text):
            return [text]
        case .array(let elements) where !elements.isEmpty:
            return try elements.map { (element) throws(PolicyError) in
                guard case .string(let text) = element else {
                    throw PolicyError("\(field) must be a string or a non-empty array of strings.")
                }
                return text
            }
        default:
            throw PolicyError("\(field) must be a string or a non-empty array of strings.")
        }
    }

    /// `*`, or `service:pattern` with service [A-Za-z0-9-]+ and pattern [A-Za-z0-9*?]+.
    private static func isValidAction(_ action: String) -> Bool {
        if action == "*" { return true }
        let parts = action.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        return parts[0].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            && parts[1].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "*" || $0 == "?") }
    }
}
