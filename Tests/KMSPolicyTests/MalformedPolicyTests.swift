import KMSPolicy
import Testing

struct MalformedCase: Sendable, CustomTestStringConvertible {
    let reason: String
    let kind: PolicyKind
    let policy: String
    /// A fragment of the expected message, so a document rejected for the wrong reason fails.
    let message: String

    var testDescription: String { reason }

    init(_ reason: String, _ kind: PolicyKind, _ policy: String, _ message: String) {
        self.reason = reason
        self.kind = kind
        self.policy = policy
        self.message = message
    }

    /// An identity policy case.
    init(_ reason: String, _ policy: String, _ message: String) {
        self.init(reason, .identity, policy, message)
    }
}

private let ok = st()  // a valid identity statement
private let okKey = st(principal: #""*""#)  // a valid key policy statement
private typealias M = MalformedCase

let malformedCases: [MalformedCase] = [
    // JSON syntax
    M("Truncated JSON", "{", "Syntax errors in policy"),
    M("Text after the document", document([ok]) + " x", "after the end of the document"),
    M("Duplicate key in a statement", #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Effect":"Deny","Action":"kms:*","Resource":"*"}}"#, "duplicate key \"Effect\""),
    M("Lone high surrogate escape", document([st(action: #""kms:Encrypt\ud800""#)]), "unpaired surrogate"),
    M("Lone low surrogate escape", document([st(resource: #""arn:\udc00""#)]), "unpaired surrogate"),
    M("Unknown escape \\x", document([st(resource: #""arn:\x41""#)]), "invalid escape"),
    M("Raw control character inside a string", document([st(resource: "\"arn:a\u{01}b\"")]), "control character"),
    M("Number with a leading zero", document([st(condition: #"{"NumericEquals":{"kms:ValidTo":012}}"#)]), "invalid number"),
    M("Trailing comma in an array", document([st(action: #"["kms:Encrypt",]"#)]), "unexpected character"),
    M("Single-quoted string", #"{'Statement':[]}"#, "quoted member name"),
    M("Top level is an array", "[" + ok + "]", "must be a JSON object"),
    // Document
    M("Statement is missing", #"{"Version":"2012-10-17"}"#, "Missing required field Statement"),
    M("Statement is an empty array", #"{"Version":"2012-10-17","Statement":[]}"#, "empty array"),
    M("Unknown top-level field", #"{"Version":"2012-10-17","Foo":1,"Statement":[\#(ok)]}"#, "unknown field Foo"),
    M("Unsupported Version", document([ok], version: "2015-01-01"), "Version must be"),
    M("Version is a number", #"{"Version":2012,"Statement":[\#(ok)]}"#, "Version must be"),
    M("Id is not a string", #"{"Id":7,"Statement":[\#(ok)]}"#, "Id must be a string"),
    M("Statement element is a string", #"{"Statement":["Allow"]}"#, "must be a JSON object"),
    M("Duplicate Sid", #"{"Statement":[{"Sid":"A","Effect":"Allow","Action":"kms:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"kms:*","Resource":"*"}]}"#, "must be unique"),
    M("Sid is not a string", #"{"Statement":[{"Sid":1,"Effect":"Allow","Action":"kms:*","Resource":"*"}]}"#, "Sid must be a string"),
    // Statement
    M("Unknown statement field (Conditions)", #"{"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*","Conditions":{}}]}"#, "unknown field Conditions"),
    M("Effect is lowercase", document([st("allow")]), "Invalid effect"),
    M("Effect is missing", #"{"Statement":[{"Action":"kms:*","Resource":"*"}]}"#, "Missing required field Effect"),
    M("Both Action and NotAction", document([st(notAction: #""kms:Decrypt""#)]), "both Action and NotAction"),
    M("Neither Action nor NotAction", document([st(action: nil)]), "Missing required field Action"),
    M("Action without a service prefix", document([st(action: #""Encrypt""#)]), "Invalid action: Encrypt"),
    M("Action with an empty name", document([st(action: #""kms:""#)]), "Invalid action"),
    M("Action with a forbidden character", document([st(action: #""kms:Encrypt!""#)]), "Invalid action"),
    M("Action is an empty array", document([st(action: "[]")]), "non-empty array"),
    M("Action array contains a number", document([st(action: #"["kms:Encrypt",1]"#)]), "non-empty array"),
    M("Identity policy without Resource", document([st(resource: nil)]), "Missing required field Resource"),
    M("Both Resource and NotResource", document([st(notResource: #""*""#)]), "both Resource and NotResource"),
    M("Resource that is neither an ARN nor *", document([st(resource: #""key/1234""#)]), "must be in ARN format"),
    // Principals
    M("Identity policy with a Principal", document([st(principal: #""*""#)]), "should not specify a principal"),
    M("Key policy without Principal", .resource, document([ok]), "Missing required field Principal"),
    M("Key policy with Principal and NotPrincipal", .resource, document([st(principal: #""*""#, notPrincipal: #""*""#)]), "both Principal and NotPrincipal"),
    M("A bare user name is not a principal", .resource, document([st(principal: #"{"AWS":"alice"}"#)]), "Policy contains a statement with one or more invalid principals."),
    M("Wildcards inside a principal ARN", .resource, document([st(principal: #"{"AWS":"arn:aws:iam::111122223333:user/*"}"#)]), "invalid principals"),
    M("An 11-digit account ID", .resource, document([st(principal: #"{"AWS":"11112222333"}"#)]), "invalid principals"),
    M("Unknown principal type", .resource, document([st(principal: #"{"Users":"arn:aws:iam::111122223333:user/alice"}"#)]), "invalid principals"),
    M("Principal string other than *", .resource, document([st(principal: #""arn:aws:iam::111122223333:root""#)]), "invalid principals"),
    M("Assumed-role ARN without a session name", .resource, document([st(principal: #"{"AWS":"arn:aws:sts::111122223333:assumed-role/Admin"}"#)]), "invalid principals"),
    M("Empty principal object", .resource, document([st(principal: "{}")]), "invalid principals"),
    M("A key policy error is reported even after a valid statement", .resource, document([okKey, st(principal: #"{"AWS":"bogus"}"#)]), "invalid principals"),
    // Conditions
    M("Unknown condition operator", document([st(condition: #"{"StringEqualz":{"kms:ViaService":"x"}}"#)]), "Unknown condition operator"),
    M("Null has no IfExists form", document([st(condition: #"{"NullIfExists":{"kms:ViaService":"true"}}"#)]), "Unknown condition operator"),
    M("Operator names are case-sensitive", document([st(condition: #"{"stringequals":{"kms:ViaService":"x"}}"#)]), "Unknown condition operator"),
    M("Condition value is null", document([st(condition: #"{"StringEquals":{"kms:ViaService":null}}"#)]), "must be a string, number or boolean"),
    M("Condition value is an object", document([st(condition: #"{"StringEquals":{"kms:ViaService":{"a":"b"}}}"#)]), "must be a string, number or boolean"),
    M("Condition value is an empty array", document([st(condition: #"{"StringEquals":{"kms:ViaService":[]}}"#)]), "must be a string, number or boolean"),
    M("Null value that is not a boolean", document([st(condition: #"{"Null":{"kms:ViaService":"maybe"}}"#)]), "must be true or false"),
    M("Operator block is not an object", document([st(condition: #"{"StringEquals":"kms:ViaService"}"#)]), "non-empty object"),
    M("Condition is not an object", document([st(condition: #"["StringEquals"]"#)]), "Condition must be a JSON object"),
    M("Condition key without a service prefix", document([st(condition: #"{"StringEquals":{"SourceIp":"x"}}"#)]), "Invalid condition key"),
]

@Test(arguments: malformedCases)
func malformedDocumentIsRejected(_ testCase: MalformedCase) {
    #expect(performing: { _ = try PolicyDocument.parse(testCase.policy, kind: testCase.kind) }, throws: { error in
        (error as? PolicyError)?.message.contains(testCase.message) == true
    })
}

@Test func malformedTableIsLargeEnough() {
    #expect(malformedCases.count >= 25)
}
