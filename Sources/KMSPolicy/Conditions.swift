/// One condition operator name, e.g. `ForAllValues:StringLikeIfExists`.
struct ConditionOperator: Sendable, Equatable {
    enum Comparison: Sendable, Equatable {
        case stringEquals, stringEqualsIgnoreCase, stringLike
        case numeric(Relation), date(Relation)
        case bool, binaryEquals, ipAddress, arnLike, null
    }

    enum Relation: Sendable, Equatable {
        case equals, lessThan, lessThanEquals, greaterThan, greaterThanEquals

        func holds(_ request: Double, _ policy: Double) -> Bool {
            switch self {
            case .equals: request == policy
            case .lessThan: request < policy
            case .lessThanEquals: request <= policy
            case .greaterThan: request > policy
            case .greaterThanEquals: request >= policy
            }
        }
    }

    enum SetQualifier: Sendable, Equatable {
        case forAnyValue, forAllValues
    }

    let comparison: Comparison
    /// StringNotEquals, NotIpAddress, ArnNotLike...: the positive comparison, inverted.
    let negated: Bool
    let ifExists: Bool
    let qualifier: SetQualifier?

    /// Operator names are case-sensitive in AWS. ArnEquals and ArnLike are the same operator:
    /// both allow wildcards within each ARN component.
    private static let names: [String: (Comparison, negated: Bool)] = [
        "StringEquals": (.stringEquals, false), "StringNotEquals": (.stringEquals, true),
        "StringEqualsIgnoreCase": (.stringEqualsIgnoreCase, false), "StringNotEqualsIgnoreCase": (.stringEqualsIgnoreCase, true),
        "StringLike": (.stringLike, false), "StringNotLike": (.stringLike, true),
        "NumericEquals": (.numeric(.equals), false), "NumericNotEquals": (.numeric(.equals), true),
        "NumericLessThan": (.numeric(.lessThan), false), "NumericLessThanEquals": (.numeric(.lessThanEquals), false),
        "NumericGreaterThan": (.numeric(.greaterThan), false), "NumericGreaterThanEquals": (.numeric(.greaterThanEquals), false),
        "DateEquals": (.date(.equals), false), "DateNotEquals": (.date(.equals), true),
        "DateLessThan": (.date(.lessThan), false), "DateLessThanEquals": (.date(.lessThanEquals), false),
        "DateGreaterThan": (.date(.greaterThan), false), "DateGreaterThanEquals": (.date(.greaterThanEquals), false),
        "Bool": (.bool, false), "BinaryEquals": (.binaryEquals, false),
        "IpAddress": (.ipAddress, false), "NotIpAddress": (.ipAddress, true),
        "ArnEquals": (.arnLike, false), "ArnLike": (.arnLike, false),
        "ArnNotEquals": (.arnLike, true), "ArnNotLike": (.arnLike, true),
        "Null": (.null, false),
    ]

    init(parsing name: String) throws(PolicyError) {
        var rest = Substring(name)
        if rest.hasPrefix("ForAnyValue:") {
            qualifier = .forAnyValue
            rest = rest.dropFirst("ForAnyValue:".count)
        } else if rest.hasPrefix("ForAllValues:") {
            qualifier = .forAllValues
            rest = rest.dropFirst("ForAllValues:".count)
        } else {
            qualifier = nil
        }
        ifExists = rest.hasSuffix("IfExists")
        if ifExists { rest = rest.dropLast("IfExists".count) }
        guard let (comparison, negated) = Self.names[String(rest)],
              // Null already tests presence, so AWS offers neither IfExists nor set qualifiers for it.
              comparison != .null || (!ifExists && qualifier == nil)
        else { throw PolicyError("Unknown condition operator: \(name).") }
        self.comparison = comparison
        self.negated = negated
    }
}

/// One key of one operator block: `"StringEquals": {"kms:CallerAccount": ["1", "2"]}`.
struct Condition: Sendable {
    let op: ConditionOperator
    let key: String
    /// Context keys are case-insensitive; lowercased once here rather than per request.
    let lookupKey: String
    let values: [PolicyTemplate]

    /// AWS semantics (IAM User Guide, "Condition element" and "Multivalued context keys"):
    /// - Key absent (or an empty set): `...IfExists` is true; `ForAllValues:` is true (vacuously);
    ///   `ForAnyValue:` is false; otherwise negated operators (StringNotEquals, NotIpAddress,
    ///   ArnNotLike...) are true and all others false, because "the values do not match".
    ///   Note the brief suggested false for negated operators too; the AWS docs say true
    ///   ("If the policy condition requires that the key is not matched, such as StringNotLike
    ///   or ArnNotLike, and the right key is not present, the condition is true").
    /// - Several policy values: OR for positive operators; negated operators need none to match.
    /// - Several request values: every one must pass for `ForAllValues:`; otherwise (qualifier
    ///   `ForAnyValue:` or none) one passing value is enough.
    func evaluate(_ context: EvaluationContext) -> Bool {
        let requestValues = context.values(lowercased: lookupKey)
        if op.comparison == .null {
            // Parsing guarantees every Null value is "true" or "false".
            let absent = requestValues == nil
            return values.contains { template in (template.parts == [.text("true")]) == absent }
        }
        guard let requestValues else {
            if op.ifExists || op.qualifier == .forAllValues { return true }
            if op.qualifier == .forAnyValue { return false }
            return op.negated
        }
        let policyValues = values.compactMap { $0.resolve(context) }
        let passes = { (requestValue: String) in self.passes(requestValue, policyValues) }
        return op.qualifier == .forAllValues ? requestValues.allSatisfy(passes) : requestValues.contains(where: passes)
    }

    /// Compares one request value with the policy values. A pair that cannot be compared (a value
    /// the operator cannot parse, or a policy variable without a value) is neither a match nor a
    /// mismatch, so a negated operator also needs at least one real comparison: an unparseable
    /// value never satisfies any condition.
    private func passes(_ requestValue: String, _ policyValues: [PolicyString]) -> Bool {
        let outcomes = policyValues.compactMap { compare(requestValue, $0) }
        let anyMatch = outcomes.contains(true)
        return op.negated ? !outcomes.isEmpty && !anyMatch : anyMatch
    }

    private func compare(_ request: String, _ policy: PolicyString) -> Bool? {
        switch op.comparison {
        case .stringEquals:
            return request == policy.text
        case .stringEqualsIgnoreCase:
            return request.lowercased() == policy.text.lowercased()
        case .stringLike:
            return policy.glob.matches(request)
        case .numeric(let relation):
            guard let lhs = ConditionValue.number(request), let rhs = ConditionValue.number(policy.text) else { return nil }
            return relation.holds(lhs, rhs)
        case .date(let relation):
            guard let lhs = ConditionValue.date(request), let rhs = ConditionValue.date(policy.text) else { return nil }
            return relation.holds(lhs, rhs)
        case .bool:
            guard let lhs = ConditionValue.bool(request), let rhs = ConditionValue.bool(policy.text) else { return nil }
            return lhs == rhs
        case .binaryEquals:
            guard let lhs = ConditionValue.binary(request), let rhs = ConditionValue.binary(policy.text) else { return nil }
            return lhs == rhs
        case .ipAddress:
            guard let address = ConditionValue.address(request), let network = policy.network else {
                return nil
            }
            return network.contains(address)
        case .arnLike:
            guard ARN.components(request) != nil, policy.glob.arnComponents() != nil else { return nil }
            return ARN.matches(request, pattern: policy)
        case .null:
            // Handled in evaluate: Null looks at presence, not values.
            return nil
        }
    }
}

extension Condition {
    /// Parses the Condition element: `{operator: {key: value-or-values}}`.
    static func parseBlock(_ value: JSONValue, version: PolicyVersion) throws(PolicyError) -> [Condition] {
        guard case .object(let operators) = value else { throw PolicyError("Condition must be a JSON object.") }
        var conditions: [Condition] = []
        for block in operators {
            let op = try ConditionOperator(parsing: block.key)
            guard case .object(let keys) = block.value, !keys.isEmpty else {
                throw PolicyError("Condition operator \(block.key) must map to a non-empty object of condition keys.")
            }
            for entry in keys {
                conditions.append(try Condition(op: op, key: entry.key, value: entry.value, version: version))
            }
        }
        return conditions
    }

    private init(op: ConditionOperator, key: String, value: JSONValue, version: PolicyVersion) throws(PolicyError) {
        // Every AWS condition key has a service prefix ("aws:", "kms:", "sts:"...).
        guard let colon = key.firstIndex(of: ":"), colon != key.startIndex, key.index(after: colon) != key.endIndex else {
            throw PolicyError("Invalid condition key \(key): it must look like prefix:name.")
        }
        let texts: [String]
        switch value {
        case .array(let elements) where !elements.isEmpty:
            texts = try elements.map { (element) throws(PolicyError) in try Self.scalarText(element, key: key) }
        default:
            texts = [try Self.scalarText(value, key: key)]
        }
        if op.comparison == .null {
            guard texts.allSatisfy({ ConditionValue.bool($0) != nil }) else {
                throw PolicyError("Null condition values for \(key) must be true or false.")
            }
            self.values = texts.map { PolicyTemplate($0.lowercased(), substitutesVariables: false) }
        } else {
            self.values = texts.map { PolicyTemplate($0, substitutesVariables: version == .v2012_10_17) }
        }
        self.op = op
        self.key = key
        self.lookupKey = key.lowercased()
    }

    /// Numbers and booleans are accepted and compared by their JSON text.
    private static func scalarText(_ value: JSONValue, key: String) throws(PolicyError) -> String {
        switch value {
        case .string(let text), .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        default:
            throw PolicyError("Condition value for \(key) must be a string, number or boolean, or a non-empty array of them.")
        }
    }
}
