import KMSPolicy
import Testing

/// Every operator that takes values, with whether it is a negated form.
private let operators: [(name: String, negated: Bool)] = [
    ("StringEquals", false), ("StringNotEquals", true), ("StringEqualsIgnoreCase", false), ("StringNotEqualsIgnoreCase", true),
    ("StringLike", false), ("StringNotLike", true), ("NumericEquals", false), ("NumericNotEquals", true),
    ("NumericLessThan", false), ("NumericLessThanEquals", false), ("NumericGreaterThan", false), ("NumericGreaterThanEquals", false),
    ("DateEquals", false), ("DateNotEquals", true), ("DateLessThan", false), ("DateLessThanEquals", false),
    ("DateGreaterThan", false), ("DateGreaterThanEquals", false), ("Bool", false), ("BinaryEquals", false),
    ("IpAddress", false), ("NotIpAddress", true), ("ArnEquals", false), ("ArnLike", false), ("ArnNotEquals", true), ("ArnNotLike", true),
]

private func decision(_ operatorName: String, _ context: PolicyContext = PolicyContext()) throws -> PolicyResult {
    let policy = document([st(condition: #"{"\#(operatorName)":{"aws:RequestTag/x":"1"}}"#)])
    return try PolicyDocument.parse(policy, kind: .identity).evaluate(request(with: context))
}

@Test("Every ...IfExists operator holds when the key is absent", arguments: operators)
func ifExistsHoldsWhenAbsent(_ op: (name: String, negated: Bool)) throws {
    #expect(try decision(op.name + "IfExists") == .allow(.direct))
}

/// AWS: a missing key does not match, so positive operators fail and negated ones hold.
@Test("Without IfExists an absent key fails positive operators and satisfies negated ones", arguments: operators)
func absentKeyWithoutIfExists(_ op: (name: String, negated: Bool)) throws {
    #expect(try decision(op.name) == (op.negated ? .allow(.direct) : .notApplicable))
}

@Test("ForAllValues holds and ForAnyValue fails on an absent key", arguments: operators)
func qualifiersOnAbsentKey(_ op: (name: String, negated: Bool)) throws {
    #expect(try decision("ForAllValues:" + op.name) == .allow(.direct))
    #expect(try decision("ForAnyValue:" + op.name) == .notApplicable)
}

@Test func contextKeysAreCaseInsensitiveAndMultiValuedIsTracked() {
    var context = PolicyContext(["KMS:EncryptionContextKeys": ["a"]], multiValued: ["kms:encryptioncontextkeys"])
    context.set("aws:SourceIp", ["10.0.0.1"])
    #expect(context.values(for: "kms:encryptioncontextkeys") == ["a"])
    #expect(context.isMultiValued("Kms:EncryptionContextKeys"))
    #expect(context.values(for: "AWS:SOURCEIP") == ["10.0.0.1"])
    #expect(!context.isMultiValued("aws:SourceIp"))
    #expect(context.values(for: "aws:SourceVpc") == nil)
}

/// The default key policy KMS creates, plus a typical administrator statement.
@Test func defaultKeyPolicy() throws {
    let policy = #"""
    {
      "Version": "2012-10-17",
      "Id": "key-default-1",
      "Statement": [
        {
          "Sid": "Enable IAM User Permissions",
          "Effect": "Allow",
          "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
          "Action": "kms:*",
          "Resource": "*"
        },
        {
          "Sid": "Allow key administrators",
          "Effect": "Allow",
          "Principal": {"AWS": ["arn:aws:iam::111122223333:role/Admin"]},
          "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
                     "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"],
          "Resource": "*"
        }
      ]
    }
    """#
    let document = try PolicyDocument.parse(policy, kind: .resource)
    #expect(document.id == "key-default-1")
    #expect(document.version == .v2012_10_17)
    #expect(document.evaluate(request("kms:Decrypt", by: Fixture.root)) == .allow(.direct))
    #expect(document.evaluate(request("kms:Decrypt", by: Fixture.alice)) == .allow(.account))
    #expect(document.evaluate(request("kms:PutKeyPolicy", by: Fixture.adminSession)) == .allow(.direct))
    #expect(document.evaluate(request("kms:Decrypt", by: Fixture.adminSession)) == .allow(.account))
    #expect(document.evaluate(request("kms:Decrypt", by: Fixture.carol)) == .notApplicable)
}

@Test func singleStatementObjectAndAbsentVersion() throws {
    let document = try PolicyDocument.parse(#"{"Statement":{"Effect":"Deny","Action":"kms:*","Resource":"*"}}"#, kind: .identity)
    #expect(document.version == .v2008_10_17)
    #expect(document.id == nil)
    #expect(document.evaluate(request()) == .explicitDeny)
}
