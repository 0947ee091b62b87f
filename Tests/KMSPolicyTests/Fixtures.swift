import KMSPolicy

/// Shared principals, resources and JSON builders. Builders take raw JSON fragments so each case
/// shows exactly the policy text under test.
enum Fixture {
    static let account = "111122223333"
    static let otherAccount = "444455556666"
    static let keyARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    static let otherKeyARN = "arn:aws:kms:us-east-1:444455556666:key/0987dcba-09fe-87dc-65ba-ab0987654321"
    static let adminRoleARN = "arn:aws:iam::111122223333:role/Admin"

    static let root = PolicyPrincipal.accountRoot(account)
    static let alice = PolicyPrincipal.user("alice", accountID: account)
    static let bob = PolicyPrincipal.user("bob", accountID: account)
    static let carol = PolicyPrincipal.user("carol", accountID: otherAccount)
    static let adminSession = PolicyPrincipal.assumedRole("Admin", session: "s1", accountID: account)
    static let auditorSession = PolicyPrincipal.assumedRole("Auditor", session: "s1", accountID: account)
    static let otherRoot = PolicyPrincipal.accountRoot(otherAccount)
}

/// One statement. Omitted fields are left out; pass nil to drop the defaults.
func st(
    _ effect: String = "Allow",
    principal: String? = nil,
    notPrincipal: String? = nil,
    action: String? = #""kms:Encrypt""#,
    notAction: String? = nil,
    resource: String? = #""*""#,
    notResource: String? = nil,
    condition: String? = nil
) -> String {
    var fields = [#""Effect":"\#(effect)""#]
    let optional: [(String, String?)] = [
        ("Principal", principal), ("NotPrincipal", notPrincipal), ("Action", action), ("NotAction", notAction),
        ("Resource", resource), ("NotResource", notResource), ("Condition", condition),
    ]
    for case let (name, value?) in optional {
        fields.append(#""\#(name)":\#(value)"#)
    }
    return "{" + fields.joined(separator: ",") + "}"
}

/// A policy document; version nil leaves Version out.
func document(_ statements: [String], version: String? = "2012-10-17") -> String {
    let versionField = version.map { #""Version":"\#($0)","# } ?? ""
    return "{" + versionField + #""Statement":["# + statements.joined(separator: ",") + "]}"
}

func request(
    _ action: String = "kms:Encrypt",
    by principal: PolicyPrincipal = Fixture.alice,
    on resource: String = Fixture.keyARN,
    with context: PolicyContext = PolicyContext()
) -> PolicyRequest {
    PolicyRequest(action: action, resource: resource, principal: principal, context: context)
}

/// Single-valued context keys.
func ctx(_ values: [String: String]) -> PolicyContext {
    PolicyContext(values.mapValues { [$0] })
}

/// One multi-valued context key (possibly an empty set).
func multi(_ key: String, _ values: [String]) -> PolicyContext {
    PolicyContext([key: values], multiValued: [key])
}
