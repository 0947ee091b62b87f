import KMSXKSProxy
import Testing

struct AccessRuleTests {
    @Test(arguments: [
        ("arn:aws:iam::123456789012:user/Alice", "arn:aws:iam::123456789012:user/Alice", true),
        ("arn:aws:iam::123456789012:user/Alice", "arn:aws:iam::123456789012:user/Alice2", false),
        ("arn:aws:iam::123456789012:user/Alice", "arn:aws:iam::123456789012:user/Alic", false),
        ("arn:aws:iam::123456789012:user/*", "arn:aws:iam::123456789012:user/Alice", true),
        ("arn:aws:iam::123456789012:user/*", "arn:aws:iam::123456789012:user/team/Alice", true),
        ("arn:aws:iam::123456789012:user/*", "arn:aws:iam::999999999999:user/Alice", false),
        ("arn:aws:iam::123456789012:user/*", "arn:aws:iam::123456789012:role/Admin", false),
        ("arn:aws:iam::*:role/KMS*", "arn:aws:iam::111122223333:role/KMSUser", true),
        ("arn:aws:iam::*:role/KMS*", "arn:aws:iam::111122223333:role/Admin", false),
        ("*", "AWS Internal", true),
        ("*", "", true),
        ("*.amazonaws.com", "ec2.amazonaws.com", true),
        ("*.amazonaws.com", "ec2.amazonaws.com.evil", false),
        ("a*b*c", "aXXbYYbZZc", true),
        ("a*b*c", "aXXcYYb", false),
        ("**", "anything", true),
        ("", "", true),
        ("", "x", false),
        ("ARN:aws:iam::123456789012:user/Alice", "arn:aws:iam::123456789012:user/Alice", false),
    ])
    func wildcards(pattern: String, value: String, matches: Bool) {
        #expect(XKSAccessRule.matches(pattern: pattern, value) == matches)
    }

    @Test func aRuleNeedsBothThePrincipalAndTheOperation() {
        let key = XKSKeyPolicy(id: "k", rules: [
            XKSAccessRule(principals: ["arn:aws:iam::1:user/Alice"], operations: [.encrypt, .decrypt, .metadata]),
            XKSAccessRule(principals: ["arn:aws:iam::1:user/Bob", "arn:aws:iam::1:role/*"], operations: [.metadata]),
        ])
        #expect(key.permits(principal: "arn:aws:iam::1:user/Alice", operation: .encrypt))
        #expect(key.permits(principal: "arn:aws:iam::1:user/Bob", operation: .metadata))
        #expect(key.permits(principal: "arn:aws:iam::1:role/Reader", operation: .metadata))
        #expect(!key.permits(principal: "arn:aws:iam::1:user/Bob", operation: .encrypt))
        #expect(!key.permits(principal: "arn:aws:iam::1:role/Reader", operation: .decrypt))
        #expect(!key.permits(principal: "arn:aws:iam::2:user/Alice", operation: .metadata))
        #expect(!XKSKeyPolicy(id: "k", rules: []).permits(principal: "arn:aws:iam::1:user/Alice", operation: .metadata))
    }
}
