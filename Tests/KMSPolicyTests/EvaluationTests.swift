import KMSPolicy
import Testing

struct EvaluationCase: Sendable, CustomTestStringConvertible {
    let reason: String
    let kind: PolicyKind
    let policy: String
    let policyRequest: PolicyRequest
    let expected: PolicyResult

    var testDescription: String { reason }

    init(_ reason: String, _ kind: PolicyKind, _ statements: [String], _ request: PolicyRequest, _ expected: PolicyResult, version: String? = "2012-10-17") {
        self.reason = reason
        self.kind = kind
        self.policy = document(statements, version: version)
        self.policyRequest = request
        self.expected = expected
    }

    /// An identity policy allowing kms:Encrypt on "*" under one Condition element: the decision
    /// depends only on whether the condition holds.
    static func condition(_ reason: String, _ condition: String, _ context: PolicyContext, _ holds: Bool, by principal: PolicyPrincipal = Fixture.alice, version: String? = "2012-10-17") -> EvaluationCase {
        EvaluationCase(reason, .identity, [st(condition: condition)], request(by: principal, with: context), holds ? .allow(.direct) : .notApplicable, version: version)
    }
}

private let allowed = PolicyResult.allow(.direct)
private let viaAccount = PolicyResult.allow(.account)
private let denied = PolicyResult.explicitDeny
private let silent = PolicyResult.notApplicable
private let k = Fixture.self
private typealias C = EvaluationCase

// MARK: - Effects, actions, resources

private let effectCases: [EvaluationCase] = [
    C("An Allow statement covers kms:Encrypt on every resource", .identity, [st()], request(), allowed),
    C("No statement covers kms:Decrypt, so the policy does not apply (implicit deny)", .identity, [st()], request("kms:Decrypt"), silent),
    C("An explicit Deny of kms:Decrypt overrides the Allow of kms:* in the same policy", .identity,
      [st(action: #""kms:*""#), st("Deny", action: #""kms:Decrypt""#)], request("kms:Decrypt"), denied),
    C("Deny wins regardless of statement order", .identity,
      [st("Deny", action: #""kms:Decrypt""#), st(action: #""kms:*""#)], request("kms:Decrypt"), denied),
    C("The Deny covers only kms:Decrypt, so the Allow of kms:* decides kms:Encrypt", .identity,
      [st(action: #""kms:*""#), st("Deny", action: #""kms:Decrypt""#)], request(), allowed),
    C("A Deny whose condition fails does not apply, leaving the Allow", .identity,
      [st("Deny", condition: #"{"Bool":{"aws:SecureTransport":"false"}}"#), st()],
      request(with: ctx(["aws:SecureTransport": "true"])), allowed),
    C("A Deny alone yields an explicit deny", .identity, [st("Deny")], request(), denied),
]

private let actionCases: [EvaluationCase] = [
    C("kms:* matches every KMS action", .identity, [st(action: #""kms:*""#)], request("kms:Decrypt"), allowed),
    C("kms:* does not match actions of other services", .identity, [st(action: #""kms:*""#)], request("sts:AssumeRole"), silent),
    C("kms:Gen* matches kms:GenerateDataKeyWithoutPlaintext", .identity, [st(action: #""kms:Gen*""#)], request("kms:GenerateDataKeyWithoutPlaintext"), allowed),
    C("kms:Gen* does not match kms:Encrypt", .identity, [st(action: #""kms:Gen*""#)], request(), silent),
    C("? matches exactly one character: kms:?ncrypt matches kms:Encrypt", .identity, [st(action: #""kms:?ncrypt""#)], request(), allowed),
    C("? matches exactly one character: kms:?crypt cannot match the two letters De", .identity, [st(action: #""kms:?crypt""#)], request("kms:Decrypt"), silent),
    C("* also matches the empty string: kms:Encrypt* matches kms:Encrypt", .identity, [st(action: #""kms:Encrypt*""#)], request(), allowed),
    C("Action names are case-insensitive: KMS:eNCRYPT matches kms:Encrypt", .identity, [st(action: #""KMS:eNCRYPT""#)], request(), allowed),
    C("Action * matches every action of every service", .identity, [st(action: #""*""#)], request("sts:AssumeRole"), allowed),
    C("An Action array matches when any entry matches", .identity, [st(action: #"["kms:Decrypt","kms:Encrypt"]"#)], request(), allowed),
    C("NotAction kms:Decrypt covers every other action, including kms:Encrypt", .identity,
      [st(action: nil, notAction: #""kms:Decrypt""#)], request(), allowed),
    C("NotAction excludes kms:ReEncryptFrom through the kms:Re* pattern", .identity,
      [st(action: nil, notAction: #"["kms:De*","kms:Re*"]"#)], request("kms:ReEncryptFrom"), silent),
]

private let resourceCases: [EvaluationCase] = [
    C("The Resource names this exact key", .identity, [st(resource: "\"\(k.keyARN)\"")], request(), allowed),
    C("Resource wildcards cover any region and key ID in the account", .identity,
      [st(resource: #""arn:aws:kms:*:111122223333:key/*""#)], request(), allowed),
    C("The account component does not match a key in another account", .identity,
      [st(resource: #""arn:aws:kms:*:111122223333:key/*""#)], request(on: k.otherKeyARN), silent),
    C("Resource ARNs are case-sensitive: 1234ABCD is not 1234abcd", .identity,
      [st(resource: #""arn:aws:kms:us-east-1:111122223333:key/1234ABCD-12ab-34cd-56ef-1234567890ab""#)], request(), silent),
    C("? in a Resource matches one character of the key ID", .identity,
      [st(resource: #""arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890a?""#)], request(), allowed),
    C("NotResource naming another key covers this key", .identity, [st(resource: nil, notResource: "\"\(k.otherKeyARN)\"")], request(), allowed),
    C("NotResource matching every key excludes this key", .identity,
      [st(resource: nil, notResource: #""arn:aws:kms:*:*:key/*""#)], request(), silent),
    C("Resource * covers an action on no resource such as kms:CreateKey", .identity, [st(action: #""kms:CreateKey""#)], request("kms:CreateKey", on: "*"), allowed),
    C("A key ARN Resource does not cover an action on no resource", .identity,
      [st(action: #""kms:CreateKey""#, resource: "\"\(k.keyARN)\"")], request("kms:CreateKey", on: "*"), silent),
    C("A key policy statement without Resource covers the key it is attached to", .resource,
      [st(principal: #""*""#, resource: nil)], request(), allowed),
]

// MARK: - Principals (key policies and trust policies)

private let principalCases: [EvaluationCase] = [
    C("Principal \"*\" covers a caller from any account", .resource, [st(principal: #""*""#)], request(by: k.carol), allowed),
    C("{\"AWS\":\"*\"} is equivalent to \"*\" and covers a role session", .resource, [st(principal: #"{"AWS":"*"}"#)], request(by: k.adminSession), allowed),
    C("Naming the account root delegates to the account's IAM policies for its user", .resource,
      [st(principal: #"{"AWS":"arn:aws:iam::111122223333:root"}"#)], request(by: k.alice), viaAccount),
    C("The bare account ID form also delegates to the account", .resource,
      [st(principal: #"{"AWS":"111122223333"}"#)], request(by: k.adminSession), viaAccount),
    C("Naming the account root covers the root user directly", .resource,
      [st(principal: #"{"AWS":"arn:aws:iam::111122223333:root"}"#)], request(by: k.root), allowed),
    C("The account ID form covers the root user directly", .resource, [st(principal: #"{"AWS":"111122223333"}"#)], request(by: k.root), allowed),
    C("Naming one account does not cover a user of another account", .resource,
      [st(principal: #"{"AWS":"arn:aws:iam::111122223333:root"}"#)], request(by: k.carol), silent),
    C("Naming one account does not cover another account's root", .resource,
      [st(principal: #"{"AWS":"111122223333"}"#)], request(by: k.otherRoot), silent),
    C("The statement names alice's user ARN", .resource,
      [st(principal: #"{"AWS":"arn:aws:iam::111122223333:user/alice"}"#)], request(by: k.alice), allowed),
    C("A statement naming alice does not cover bob", .resource,
      [st(principal: #"{"AWS":"arn:aws:iam::111122223333:user/alice"}"#)], request(by: k.bob), silent),
    C("A user ARN with a path matches that user", .resource,
      [st(principal: #"{"AWS":"arn:aws:iam::111122223333:user/eng/dave"}"#)],
      request(by: PolicyPrincipal(arn: "arn:aws:iam::111122223333:user/eng/dave", accountID: k.account)), allowed),
    C("Naming a role covers its assumed-role sessions", .resource,
      [st(principal: #"{"AWS":"arn:aws:iam::111122223333:role/Admin"}"#)], request(by: k.adminSession), allowed),
    C("Naming the Admin role does not cover a session of the Auditor role", .resource,
      [st(principal: #"{"AWS":"arn:aws:iam::111122223333:role/Admin"}"#)], request(by: k.auditorSession), silent),
    C("Naming the exact session ARN covers that session", .resource,
      [st(principal: #"{"AWS":"arn:aws:sts::111122223333:assumed-role/Admin/s1"}"#)], request(by: k.adminSession), allowed),
    C("A session ARN with another session name does not cover this session", .resource,
      [st(principal: #"{"AWS":"arn:aws:sts::111122223333:assumed-role/Admin/s2"}"#)], request(by: k.adminSession), silent),
    C("Naming a role does not cover an IAM user", .resource,
      [st(principal: #"{"AWS":"arn:aws:iam::111122223333:role/Admin"}"#)], request(by: k.alice), silent),
    C("When one statement names the account and another names the user, the direct grant wins", .resource,
      [st(principal: #"{"AWS":"111122223333"}"#), st(principal: #"{"AWS":"arn:aws:iam::111122223333:user/alice"}"#)],
      request(by: k.alice), allowed),
    C("Within one statement, naming both the account and the user is a direct grant", .resource,
      [st(principal: #"{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:user/alice"]}"#)],
      request(by: k.alice), allowed),
    C("A service principal never covers an IAM identity", .resource,
      [st(principal: #"{"Service":"kms.amazonaws.com"}"#)], request(by: k.root), silent),
    C("A Deny naming the account applies to every principal in it", .resource,
      [st(principal: #""*""#), st("Deny", principal: #"{"AWS":"111122223333"}"#)], request(by: k.alice), denied),
    C("Deny with NotPrincipal alice does not apply to alice", .resource,
      [st(principal: #""*""#), st("Deny", notPrincipal: #"{"AWS":"arn:aws:iam::111122223333:user/alice"}"#)], request(by: k.alice), allowed),
    C("Deny with NotPrincipal alice applies to bob", .resource,
      [st(principal: #""*""#), st("Deny", notPrincipal: #"{"AWS":"arn:aws:iam::111122223333:user/alice"}"#)], request(by: k.bob), denied),
    C("NotPrincipal naming a role excludes the role's sessions", .resource,
      [st(principal: #""*""#), st("Deny", notPrincipal: #"{"AWS":"arn:aws:iam::111122223333:role/Admin"}"#)], request(by: k.adminSession), allowed),
    C("NotPrincipal naming the account root excludes only the root user, not the account's users", .resource,
      [st(principal: #""*""#), st("Deny", notPrincipal: #"{"AWS":"arn:aws:iam::111122223333:root"}"#)], request(by: k.alice), denied),
    C("NotPrincipal naming the account root excludes the root user", .resource,
      [st(principal: #""*""#), st("Deny", notPrincipal: #"{"AWS":"arn:aws:iam::111122223333:root"}"#)], request(by: k.root), allowed),
    C("Allow with NotPrincipal covers everyone not named, directly", .resource,
      [st(notPrincipal: #"{"AWS":"arn:aws:iam::111122223333:user/alice"}"#)], request(by: k.carol), allowed),
    C("Allow with NotPrincipal does not cover the principal it names", .resource,
      [st(notPrincipal: #"{"AWS":"arn:aws:iam::111122223333:user/alice"}"#)], request(by: k.alice), silent),
    C("An identity policy applies to its identity whatever its account", .identity, [st()], request(by: k.carol), allowed),
]

// MARK: - Condition operators

private let stringCases: [EvaluationCase] = [
    .condition("StringEquals matches the caller account", #"{"StringEquals":{"kms:CallerAccount":"111122223333"}}"#,
               ctx(["kms:CallerAccount": "111122223333"]), true),
    .condition("StringEquals compares values case-sensitively", #"{"StringEquals":{"kms:ViaService":"ec2.us-east-1.amazonaws.com"}}"#,
               ctx(["kms:ViaService": "EC2.us-east-1.amazonaws.com"]), false),
    .condition("Condition key names are case-insensitive", #"{"StringEquals":{"KMS:CallerAccount":"111122223333"}}"#,
               ctx(["kms:calleraccount": "111122223333"]), true),
    .condition("Several policy values are ORed", #"{"StringEquals":{"kms:KeySpec":["RSA_2048","SYMMETRIC_DEFAULT"]}}"#,
               ctx(["kms:KeySpec": "SYMMETRIC_DEFAULT"]), true),
    .condition("Several keys in one operator block are ANDed; kms:KeyUsage fails",
               #"{"StringEquals":{"kms:KeySpec":"SYMMETRIC_DEFAULT","kms:KeyUsage":"SIGN_VERIFY"}}"#,
               ctx(["kms:KeySpec": "SYMMETRIC_DEFAULT", "kms:KeyUsage": "ENCRYPT_DECRYPT"]), false),
    .condition("Several operator blocks are ANDed and both hold",
               #"{"StringEquals":{"kms:KeySpec":"SYMMETRIC_DEFAULT"},"Bool":{"aws:SecureTransport":"true"}}"#,
               ctx(["kms:KeySpec": "SYMMETRIC_DEFAULT", "aws:SecureTransport": "true"]), true),
    .condition("Several operator blocks are ANDed; Bool fails",
               #"{"StringEquals":{"kms:KeySpec":"SYMMETRIC_DEFAULT"},"Bool":{"aws:SecureTransport":"true"}}"#,
               ctx(["kms:KeySpec": "SYMMETRIC_DEFAULT", "aws:SecureTransport": "false"]), false),
    .condition("StringEquals is false when the key is absent", #"{"StringEquals":{"kms:CallerAccount":"111122223333"}}"#,
               PolicyContext(), false),
    .condition("StringNotEquals holds for a different value", #"{"StringNotEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}"#,
               ctx(["kms:ViaService": "ec2.us-east-1.amazonaws.com"]), true),
    .condition("StringNotEquals fails for an equal value", #"{"StringNotEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}"#,
               ctx(["kms:ViaService": "s3.us-east-1.amazonaws.com"]), false),
    .condition("StringNotEquals with several values fails if any equals", #"{"StringNotEquals":{"kms:ViaService":["a","s3.us-east-1.amazonaws.com"]}}"#,
               ctx(["kms:ViaService": "s3.us-east-1.amazonaws.com"]), false),
    .condition("StringNotEquals holds when the key is absent (a missing key does not match)",
               #"{"StringNotEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}"#, PolicyContext(), true),
    .condition("StringEqualsIgnoreCase ignores the case of values", #"{"StringEqualsIgnoreCase":{"aws:RequestTag/owner":"Alice"}}"#,
               ctx(["aws:RequestTag/owner": "aLICE"]), true),
    .condition("StringNotEqualsIgnoreCase fails for a value equal up to case", #"{"StringNotEqualsIgnoreCase":{"aws:RequestTag/owner":"ALICE"}}"#,
               ctx(["aws:RequestTag/owner": "alice"]), false),
    .condition("StringLike * matches the rest of the alias", #"{"StringLike":{"kms:RequestAlias":"alias/app-*"}}"#,
               ctx(["kms:RequestAlias": "alias/app-prod"]), true),
    .condition("StringLike ? matches only one character", #"{"StringLike":{"kms:RequestAlias":"alias/app-?"}}"#,
               ctx(["kms:RequestAlias": "alias/app-12"]), false),
    .condition("StringLike is case-sensitive", #"{"StringLike":{"kms:RequestAlias":"alias/App-*"}}"#,
               ctx(["kms:RequestAlias": "alias/app-x"]), false),
    .condition("StringNotLike holds when the pattern does not match", #"{"StringNotLike":{"kms:RequestAlias":"alias/tmp-*"}}"#,
               ctx(["kms:RequestAlias": "alias/prod"]), true),
    .condition("StringNotLike fails when the pattern matches", #"{"StringNotLike":{"kms:RequestAlias":"alias/tmp-*"}}"#,
               ctx(["kms:RequestAlias": "alias/tmp-1"]), false),
    .condition("JSON escapes decode before comparison (\\u00e9 and a surrogate pair)", #"{"StringEquals":{"aws:RequestTag/name":"caf\u00e9 \ud83d\ude00"}}"#,
               ctx(["aws:RequestTag/name": "café 😀"]), true),
]

private let numericCases: [EvaluationCase] = [
    .condition("NumericEquals compares numbers, so 10.0 equals 10", #"{"NumericEquals":{"kms:ValidTo":"10"}}"#, ctx(["kms:ValidTo": "10.0"]), true),
    .condition("NumericNotEquals holds for 11 against 10", #"{"NumericNotEquals":{"kms:ValidTo":"10"}}"#, ctx(["kms:ValidTo": "11"]), true),
    .condition("NumericLessThan holds for 5 < 10", #"{"NumericLessThan":{"kms:ValidTo":"10"}}"#, ctx(["kms:ValidTo": "5"]), true),
    .condition("NumericLessThan is strict: 10 < 10 fails", #"{"NumericLessThan":{"kms:ValidTo":"10"}}"#, ctx(["kms:ValidTo": "10"]), false),
    .condition("NumericLessThanEquals holds for 10 <= 10", #"{"NumericLessThanEquals":{"kms:ValidTo":"10"}}"#, ctx(["kms:ValidTo": "10"]), true),
    .condition("NumericGreaterThan is strict: 10 > 10 fails", #"{"NumericGreaterThan":{"kms:ValidTo":"10"}}"#, ctx(["kms:ValidTo": "10"]), false),
    .condition("NumericGreaterThanEquals accepts a JSON number as the policy value", #"{"NumericGreaterThanEquals":{"kms:ValidTo":10}}"#,
               ctx(["kms:ValidTo": "11"]), true),
    .condition("NumericLessThan compares numerically, not as text (9 < 10)", #"{"NumericLessThan":{"kms:ValidTo":"10"}}"#, ctx(["kms:ValidTo": "9"]), true),
    .condition("A non-numeric request value fails NumericLessThan", #"{"NumericLessThan":{"kms:ValidTo":"10"}}"#, ctx(["kms:ValidTo": "ten"]), false),
    .condition("A non-numeric request value cannot satisfy NumericNotEquals either", #"{"NumericNotEquals":{"kms:ValidTo":"10"}}"#,
               ctx(["kms:ValidTo": "ten"]), false),
    .condition("A non-numeric policy value matches nothing", #"{"NumericEquals":{"kms:ValidTo":"abc"}}"#, ctx(["kms:ValidTo": "10"]), false),
]

private let dateCases: [EvaluationCase] = [
    .condition("DateLessThan compares instants, with fractional seconds", #"{"DateLessThan":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}}"#,
               ctx(["aws:CurrentTime": "2024-06-01T12:00:00.123Z"]), true),
    .condition("DateGreaterThan accepts epoch seconds in the request", #"{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#,
               ctx(["aws:CurrentTime": "1717243200"]), true),
    .condition("DateEquals: epoch 1717243200 is 2024-06-01T12:00:00Z", #"{"DateEquals":{"aws:CurrentTime":"2024-06-01T12:00:00Z"}}"#,
               ctx(["aws:CurrentTime": "1717243200"]), true),
    .condition("DateEquals honours a UTC offset", #"{"DateEquals":{"aws:CurrentTime":"2024-06-01T14:00:00+02:00"}}"#,
               ctx(["aws:CurrentTime": "2024-06-01T12:00:00Z"]), true),
    .condition("DateNotEquals holds one second later", #"{"DateNotEquals":{"aws:CurrentTime":"2024-06-01T12:00:00Z"}}"#,
               ctx(["aws:CurrentTime": "2024-06-01T12:00:01Z"]), true),
    .condition("DateLessThanEquals holds for the same instant written with .000", #"{"DateLessThanEquals":{"aws:CurrentTime":"2024-06-01T12:00:00Z"}}"#,
               ctx(["aws:CurrentTime": "2024-06-01T12:00:00.000Z"]), true),
    .condition("DateGreaterThanEquals fails a millisecond before", #"{"DateGreaterThanEquals":{"aws:CurrentTime":"2024-06-01T12:00:00Z"}}"#,
               ctx(["aws:CurrentTime": "2024-06-01T11:59:59.999Z"]), false),
    .condition("A policy date with epoch seconds is accepted too", #"{"DateLessThan":{"aws:CurrentTime":"1717243201"}}"#,
               ctx(["aws:CurrentTime": "2024-06-01T12:00:00Z"]), true),
    .condition("A request date that is not ISO 8601 or epoch fails the comparison", #"{"DateLessThan":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}}"#,
               ctx(["aws:CurrentTime": "June 1st 2024"]), false),
    .condition("An impossible policy date (February 30) matches nothing", #"{"DateLessThan":{"aws:CurrentTime":"2024-02-30T00:00:00Z"}}"#,
               ctx(["aws:CurrentTime": "2024-01-01T00:00:00Z"]), false),
]

private let boolBinaryCases: [EvaluationCase] = [
    .condition("Bool accepts a JSON true", #"{"Bool":{"aws:SecureTransport":true}}"#, ctx(["aws:SecureTransport": "true"]), true),
    .condition("Bool false does not match a request over TLS", #"{"Bool":{"aws:SecureTransport":"false"}}"#, ctx(["aws:SecureTransport": "true"]), false),
    .condition("A request value that is not a boolean fails Bool", #"{"Bool":{"aws:SecureTransport":"true"}}"#, ctx(["aws:SecureTransport": "yes"]), false),
    .condition("BinaryEquals compares the decoded bytes", #"{"BinaryEquals":{"kms:RecipientAttestation:ImageSha384":"QmluYXJ5VmFsdWU="}}"#,
               ctx(["kms:RecipientAttestation:ImageSha384": "QmluYXJ5VmFsdWU="]), true),
    .condition("BinaryEquals fails for other bytes", #"{"BinaryEquals":{"kms:RecipientAttestation:ImageSha384":"QmluYXJ5VmFsdWU="}}"#,
               ctx(["kms:RecipientAttestation:ImageSha384": "T3RoZXI="]), false),
    .condition("A request value that is not base64 fails BinaryEquals", #"{"BinaryEquals":{"kms:RecipientAttestation:ImageSha384":"QmluYXJ5VmFsdWU="}}"#,
               ctx(["kms:RecipientAttestation:ImageSha384": "not base64!"]), false),
]

private let ipCases: [EvaluationCase] = [
    .condition("IpAddress: 203.0.113.77 is inside 203.0.113.0/24", #"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, ctx(["aws:SourceIp": "203.0.113.77"]), true),
    .condition("IpAddress: 203.0.114.1 is outside 203.0.113.0/24", #"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, ctx(["aws:SourceIp": "203.0.114.1"]), false),
    .condition("A bare policy address is a /32 and matches itself", #"{"IpAddress":{"aws:SourceIp":"203.0.113.5"}}"#, ctx(["aws:SourceIp": "203.0.113.5"]), true),
    .condition("A bare policy address is a /32 and does not match its neighbour", #"{"IpAddress":{"aws:SourceIp":"203.0.113.5"}}"#, ctx(["aws:SourceIp": "203.0.113.6"]), false),
    .condition("IPv6: 2001:db8:abcd::1 is inside 2001:db8::/32", #"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#, ctx(["aws:SourceIp": "2001:db8:abcd::1"]), true),
    .condition("IPv6: 2001:db9::1 is outside 2001:db8::/32", #"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#, ctx(["aws:SourceIp": "2001:db9::1"]), false),
    .condition("A bare IPv6 address is a /128", #"{"IpAddress":{"aws:SourceIp":"2001:db8::1"}}"#, ctx(["aws:SourceIp": "2001:0db8:0000::0001"]), true),
    .condition("An IPv6 caller is never inside an IPv4 range, even 0.0.0.0/0", #"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#, ctx(["aws:SourceIp": "::1"]), false),
    .condition("Several ranges are ORed", #"{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}"#, ctx(["aws:SourceIp": "192.168.5.5"]), true),
    .condition("NotIpAddress holds outside 10.0.0.0/8", #"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#, ctx(["aws:SourceIp": "192.168.1.1"]), true),
    .condition("NotIpAddress fails inside 10.0.0.0/8", #"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#, ctx(["aws:SourceIp": "10.1.2.3"]), false),
    .condition("A request value that is not an IP address fails IpAddress", #"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#, ctx(["aws:SourceIp": "not-an-ip"]), false),
    .condition("An invalid policy CIDR (/33) matches nothing", #"{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}"#, ctx(["aws:SourceIp": "10.0.0.1"]), false),
    .condition("NotIpAddress holds for a caller from a documentation range outside 10.0.0.0/8", #"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
               ctx(["aws:SourceIp": "198.51.100.1"]), true),
]

private let arnCases: [EvaluationCase] = [
    .condition("ArnLike with * in the resource component", #"{"ArnLike":{"aws:SourceArn":"arn:aws:iam::111122223333:role/*"}}"#,
               ctx(["aws:SourceArn": "arn:aws:iam::111122223333:role/Admin"]), true),
    .condition("ArnLike wildcards do not span components: arn:*:role/Admin has only three", #"{"ArnLike":{"aws:SourceArn":"arn:*:role/Admin"}}"#,
               ctx(["aws:SourceArn": "arn:aws:iam::111122223333:role/Admin"]), false),
    .condition("ArnLike: * in the account component cannot swallow the colon before the resource", #"{"ArnLike":{"aws:SourceArn":"arn:aws:iam::*:role/Admin"}}"#,
               ctx(["aws:SourceArn": "arn:aws:iam::111122223333:user/x:role/Admin"]), false),
    .condition("ArnLike with * for the account and ? in the name", #"{"ArnLike":{"aws:SourceArn":"arn:aws:iam::*:role/Adm?n"}}"#,
               ctx(["aws:SourceArn": "arn:aws:iam::111122223333:role/Admin"]), true),
    .condition("ArnLike keeps colons inside the resource component", #"{"ArnLike":{"aws:SourceArn":"arn:aws:logs:us-east-1:111122223333:log-group:/app/*"}}"#,
               ctx(["aws:SourceArn": "arn:aws:logs:us-east-1:111122223333:log-group:/app/web:*"]), true),
    .condition("ArnEquals matches the identical ARN", #"{"ArnEquals":{"aws:SourceArn":"arn:aws:iam::111122223333:role/Admin"}}"#,
               ctx(["aws:SourceArn": "arn:aws:iam::111122223333:role/Admin"]), true),
    .condition("ArnEquals is case-sensitive", #"{"ArnEquals":{"aws:SourceArn":"arn:aws:iam::111122223333:role/admin"}}"#,
               ctx(["aws:SourceArn": "arn:aws:iam::111122223333:role/Admin"]), false),
    .condition("ArnNotEquals holds for another role", #"{"ArnNotEquals":{"aws:SourceArn":"arn:aws:iam::111122223333:role/Auditor"}}"#,
               ctx(["aws:SourceArn": "arn:aws:iam::111122223333:role/Admin"]), true),
    .condition("ArnNotLike fails when the pattern matches", #"{"ArnNotLike":{"aws:SourceArn":"arn:aws:iam::*:role/*"}}"#,
               ctx(["aws:SourceArn": "arn:aws:iam::111122223333:role/Admin"]), false),
    .condition("A request value that is not an ARN fails ArnLike", #"{"ArnLike":{"aws:SourceArn":"arn:aws:iam::*:role/*"}}"#,
               ctx(["aws:SourceArn": "role/Admin"]), false),
]

private let nullAndIfExistsCases: [EvaluationCase] = [
    .condition("Null true holds when the key is absent", #"{"Null":{"kms:GrantIsForAWSResource":"true"}}"#, PolicyContext(), true),
    .condition("Null true fails when the key is present", #"{"Null":{"kms:GrantIsForAWSResource":"true"}}"#, ctx(["kms:GrantIsForAWSResource": "false"]), false),
    .condition("Null false (a JSON boolean) holds when the key is present", #"{"Null":{"kms:GrantIsForAWSResource":false}}"#,
               ctx(["kms:GrantIsForAWSResource": "true"]), true),
    .condition("Null false fails when the key is absent", #"{"Null":{"kms:GrantIsForAWSResource":"false"}}"#, PolicyContext(), false),
    .condition("Null true holds for an empty multi-valued key", #"{"Null":{"kms:EncryptionContextKeys":"true"}}"#, multi("kms:EncryptionContextKeys", []), true),
    .condition("StringEqualsIfExists holds when the key is absent", #"{"StringEqualsIfExists":{"kms:ViaService":"ec2.us-east-1.amazonaws.com"}}"#, PolicyContext(), true),
    .condition("StringEqualsIfExists compares normally when the key is present", #"{"StringEqualsIfExists":{"kms:ViaService":"ec2.us-east-1.amazonaws.com"}}"#,
               ctx(["kms:ViaService": "s3.us-east-1.amazonaws.com"]), false),
    .condition("StringNotEqualsIfExists fails for an equal present value", #"{"StringNotEqualsIfExists":{"kms:ViaService":"ec2.us-east-1.amazonaws.com"}}"#,
               ctx(["kms:ViaService": "ec2.us-east-1.amazonaws.com"]), false),
    .condition("NumericLessThanIfExists holds when the key is absent", #"{"NumericLessThanIfExists":{"kms:ValidTo":"10"}}"#, PolicyContext(), true),
    .condition("NumericLessThanIfExists compares normally when present", #"{"NumericLessThanIfExists":{"kms:ValidTo":"10"}}"#, ctx(["kms:ValidTo": "20"]), false),
    .condition("DateGreaterThanIfExists holds when the key is absent", #"{"DateGreaterThanIfExists":{"aws:CurrentTime":"2024-01-01"}}"#, PolicyContext(), true),
    .condition("BoolIfExists holds when the key is absent", #"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}"#, PolicyContext(), true),
    .condition("BoolIfExists compares normally when present", #"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}"#,
               ctx(["aws:MultiFactorAuthPresent": "false"]), false),
    .condition("IpAddressIfExists holds when the key is absent", #"{"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}}"#, PolicyContext(), true),
    .condition("ArnLikeIfExists holds when the key is absent", #"{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:iam::*:role/*"}}"#, PolicyContext(), true),
    .condition("BinaryEqualsIfExists holds when the key is absent", #"{"BinaryEqualsIfExists":{"kms:RecipientAttestation:ImageSha384":"QQ=="}}"#, PolicyContext(), true),
]

private let setCases: [EvaluationCase] = [
    .condition("ForAnyValue: one request key (Project) is allowed", #"{"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":["Dept","Project"]}}"#,
               multi("kms:EncryptionContextKeys", ["Project", "Owner"]), true),
    .condition("ForAnyValue: no request key is allowed", #"{"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":["Dept","Project"]}}"#,
               multi("kms:EncryptionContextKeys", ["Owner"]), false),
    .condition("ForAnyValue is false when the key is absent", #"{"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":"Dept"}}"#, PolicyContext(), false),
    .condition("ForAnyValue is false for an empty set", #"{"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":"Dept"}}"#,
               multi("kms:EncryptionContextKeys", []), false),
    .condition("ForAllValues: every request key is in the allowed set", #"{"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["Dept","Project"]}}"#,
               multi("kms:EncryptionContextKeys", ["Project", "Dept"]), true),
    .condition("ForAllValues: Owner is outside the allowed set", #"{"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["Dept","Project"]}}"#,
               multi("kms:EncryptionContextKeys", ["Project", "Owner"]), false),
    .condition("ForAllValues is true when the key is absent", #"{"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":"Dept"}}"#, PolicyContext(), true),
    .condition("ForAllValues is true for an empty set", #"{"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":"Dept"}}"#,
               multi("kms:EncryptionContextKeys", []), true),
    .condition("ForAnyValue:StringLike: Project matches Proj*", #"{"ForAnyValue:StringLike":{"kms:EncryptionContextKeys":"Proj*"}}"#,
               multi("kms:EncryptionContextKeys", ["Owner", "Project"]), true),
    .condition("ForAllValues:StringNotEquals: no request key is Secret", #"{"ForAllValues:StringNotEquals":{"kms:EncryptionContextKeys":"Secret"}}"#,
               multi("kms:EncryptionContextKeys", ["Dept", "Project"]), true),
    .condition("ForAllValues:StringNotEquals: one request key is Secret", #"{"ForAllValues:StringNotEquals":{"kms:EncryptionContextKeys":"Secret"}}"#,
               multi("kms:EncryptionContextKeys", ["Dept", "Secret"]), false),
    .condition("ForAnyValue:StringNotEquals is false when the key is absent", #"{"ForAnyValue:StringNotEquals":{"kms:EncryptionContextKeys":"Secret"}}"#,
               PolicyContext(), false),
    .condition("ForAllValues:StringEqualsIgnoreCase: DEPT equals dept ignoring case", #"{"ForAllValues:StringEqualsIgnoreCase":{"aws:TagKeys":"dept"}}"#,
               multi("aws:TagKeys", ["DEPT"]), true),
    .condition("Without a qualifier a multi-valued key matches if any value matches", #"{"StringEquals":{"kms:GrantOperations":"Decrypt"}}"#,
               multi("kms:GrantOperations", ["Encrypt", "Decrypt"]), true),
    .condition("ForAnyValue on a single-valued key treats it as a set of one", #"{"ForAnyValue:StringEquals":{"kms:KeySpec":["RSA_2048","SYMMETRIC_DEFAULT"]}}"#,
               ctx(["kms:KeySpec": "RSA_2048"]), true),
]

// MARK: - Policy variables

private let variableCases: [EvaluationCase] = [
    C("${aws:username} in Resource lets alice assume roles named after her", .identity,
      [st(action: #""sts:AssumeRole""#, resource: #""arn:aws:iam::111122223333:role/${aws:username}-*""#)],
      request("sts:AssumeRole", by: k.alice, on: "arn:aws:iam::111122223333:role/alice-dev"), allowed),
    C("${aws:username} resolves to bob for bob, so alice's role is not covered", .identity,
      [st(action: #""sts:AssumeRole""#, resource: #""arn:aws:iam::111122223333:role/${aws:username}-*""#)],
      request("sts:AssumeRole", by: k.bob, on: "arn:aws:iam::111122223333:role/alice-dev"), silent),
    C("A role session has no aws:username, so the Resource matches nothing", .identity,
      [st(action: #""sts:AssumeRole""#, resource: #""arn:aws:iam::111122223333:role/${aws:username}*""#)],
      request("sts:AssumeRole", by: k.adminSession, on: "arn:aws:iam::111122223333:role/Admin"), silent),
    .condition("${aws:PrincipalTag/team} resolves from the context", #"{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}"#,
               ctx(["aws:ResourceTag/team": "blue", "aws:PrincipalTag/team": "blue"]), true),
    .condition("An unresolvable variable without a default matches nothing", #"{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}"#,
               ctx(["aws:ResourceTag/team": "blue"]), false),
    .condition("The default applies when the variable has no value", #"{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team, 'unassigned'}"}}"#,
               ctx(["aws:ResourceTag/team": "unassigned"]), true),
    .condition("The default is ignored when the variable has a value", #"{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team, 'unassigned'}"}}"#,
               ctx(["aws:ResourceTag/team": "unassigned", "aws:PrincipalTag/team": "blue"]), false),
    .condition("${*} is a literal asterisk, not a wildcard", #"{"StringLike":{"aws:RequestTag/label":"a${*}b"}}"#,
               ctx(["aws:RequestTag/label": "axxb"]), false),
    .condition("${*} matches a literal asterisk", #"{"StringLike":{"aws:RequestTag/label":"a${*}b"}}"#, ctx(["aws:RequestTag/label": "a*b"]), true),
    .condition("${?} is a literal question mark, not a one-character wildcard", #"{"StringLike":{"aws:RequestTag/label":"v${?}"}}"#,
               ctx(["aws:RequestTag/label": "v1"]), false),
    .condition("${$} is a literal dollar sign", #"{"StringEquals":{"aws:RequestTag/label":"cost${$}"}}"#, ctx(["aws:RequestTag/label": "cost$"]), true),
    .condition("A substituted value is literal: a tag of * is not a wildcard", #"{"StringLike":{"aws:RequestTag/owner":"${aws:PrincipalTag/owner}"}}"#,
               ctx(["aws:RequestTag/owner": "anyone", "aws:PrincipalTag/owner": "*"]), false),
    .condition("The root user's aws:userid is its account ID", #"{"StringEquals":{"aws:RequestTag/owner":"${aws:userid}"}}"#,
               ctx(["aws:RequestTag/owner": "111122223333"]), true, by: k.root),
    .condition("Variables work inside ArnEquals", #"{"ArnEquals":{"aws:SourceArn":"arn:aws:iam::111122223333:user/${aws:username}"}}"#,
               ctx(["aws:SourceArn": "arn:aws:iam::111122223333:user/alice"]), true),
    .condition("A multi-valued key cannot be used as a policy variable", #"{"StringEquals":{"aws:RequestTag/owner":"${aws:TagKeys}"}}"#,
               PolicyContext(["aws:RequestTag/owner": ["owner"], "aws:TagKeys": ["owner"]], multiValued: ["aws:TagKeys"]), false),
    .condition("Version 2008-10-17 does not substitute ${aws:username}", #"{"StringEquals":{"aws:RequestTag/owner":"${aws:username}"}}"#,
               ctx(["aws:RequestTag/owner": "alice"]), false, version: "2008-10-17"),
    .condition("Version 2008-10-17 compares ${aws:username} as literal text", #"{"StringEquals":{"aws:RequestTag/owner":"${aws:username}"}}"#,
               ctx(["aws:RequestTag/owner": "${aws:username}"]), true, version: "2008-10-17"),
    .condition("A policy without Version is 2008-10-17 and does not substitute", #"{"StringEquals":{"aws:RequestTag/owner":"${aws:username}"}}"#,
               ctx(["aws:RequestTag/owner": "alice"]), false, version: nil),
    C("aws:PrincipalAccount is derived from the caller: another account is not covered", .resource,
      [st(principal: #""*""#, condition: #"{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}"#)], request(by: k.carol), silent),
    C("aws:PrincipalAccount is derived from the caller: alice's account is covered", .resource,
      [st(principal: #""*""#, condition: #"{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}"#)], request(by: k.alice), allowed),
    C("aws:PrincipalArn of a session is its role ARN", .resource,
      [st(principal: #""*""#, condition: #"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/Adm*"}}"#)], request(by: k.adminSession), allowed),
]

let evaluationCases = effectCases + actionCases + resourceCases + principalCases + stringCases + numericCases + dateCases
    + boolBinaryCases + ipCases + arnCases + nullAndIfExistsCases + setCases + variableCases

@Test(arguments: evaluationCases)
func evaluation(_ testCase: EvaluationCase) throws {
    let document = try PolicyDocument.parse(testCase.policy, kind: testCase.kind)
    #expect(document.evaluate(testCase.policyRequest) == testCase.expected, "\(testCase.reason)\n\(testCase.policy)")
}

@Test func evaluationTableIsLargeEnough() {
    #expect(evaluationCases.count >= 90)
}
