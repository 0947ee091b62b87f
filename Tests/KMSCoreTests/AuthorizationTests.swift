import Foundation
import KMSCore
import KMSProtocol
import KMSTestSupport
import Testing

/// The order AWS KMS decides in, through the real pipeline, store and
/// PolicyAuthorizer: explicit deny, key policy, identity policies, grants.
@Suite("Authorization")
struct AuthorizationTests {
    let env: TestEnvironment
    static let account = TestEnvironment.accountID
    static let rootARN = "arn:aws:iam::\(account):root"

    init() throws {
        env = try TestEnvironment()
    }

    /// A user with the given inline identity policies, as a caller.
    func user(_ name: String, policies: [String] = [], tags: [String: String] = [:]) async throws -> Principal {
        var writes: [StoreWrite] = [.createUser(UserRecord(name: name, id: "AIDA\(name.uppercased())", createdAt: env.clock.now))]
        for (index, policy) in policies.enumerated() {
            writes.append(.putInlinePolicy(.user(name), InlinePolicy(name: "p\(index)", document: policy)))
        }
        #expect(try await env.store.commit(writes))
        return Principal(userName: name, userID: "AIDA\(name.uppercased())", accessKeyID: "AKIA\(name.uppercased())", accountID: Self.account, tags: tags)
    }

    static func policy(_ statements: String...) -> String {
        #"{"Version":"2012-10-17","Statement":[\#(statements.joined(separator: ","))]}"#
    }

    static func allow(_ action: String, principal: String? = nil, condition: String? = nil) -> String {
        statement("Allow", action, principal: principal, condition: condition)
    }

    static func deny(_ action: String, principal: String? = nil) -> String {
        statement("Deny", action, principal: principal, condition: nil)
    }

    private static func statement(_ effect: String, _ action: String, principal: String?, condition: String?) -> String {
        var fields = [#""Effect":"\#(effect)""#, #""Action":"\#(action)""#, #""Resource":"*""#]
        if let principal { fields.append(#""Principal":{"AWS":"\#(principal)"}"#) }
        if let condition { fields.append(#""Condition":\#(condition)"#) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    func key(policy: String? = nil) async throws -> String {
        let body = policy.map { #"{"Policy":\#(Self.quoted($0)),"BypassPolicyLockoutSafetyCheck":true}"# } ?? "{}"
        return try await env.call(CreateKey.self, body).KeyMetadata.KeyId
    }

    static func quoted(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }

    func encrypt(_ keyID: String, as caller: Principal, context: String = "{}") async throws {
        _ = try await env.call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGk=","EncryptionContext":\#(context)}"#, as: caller)
    }

    func expectDenied(_ reason: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected AccessDeniedException, but the call succeeded", sourceLocation: sourceLocation)
        } catch let error as KMSError {
            #expect(error.code == .accessDenied, sourceLocation: sourceLocation)
            #expect(error.message.hasSuffix(reason), "\(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected AccessDeniedException, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func aUserNeedsAnIdentityPolicyWhenTheKeyPolicyNamesTheAccount() async throws {
        let keyID = try await key()
        let alice = try await user("alice")
        await expectDenied("because no identity-based policy allows the kms:Encrypt action") { try await encrypt(keyID, as: alice) }
        let bob = try await user("bob", policies: [Self.policy(Self.allow("kms:Encrypt"))])
        try await encrypt(keyID, as: bob)
    }

    @Test func anExplicitDenyInAnyPolicyWins() async throws {
        let bobARN = "arn:aws:iam::\(Self.account):user/bob"
        let bob = try await user("bob", policies: [Self.policy(Self.allow("kms:*"), Self.deny("kms:Encrypt"))])
        let namedDirectly = try await key(policy: Self.policy(Self.allow("kms:*", principal: bobARN), Self.allow("kms:*", principal: Self.rootARN)))
        await expectDenied("with an explicit deny in an identity-based policy") { try await encrypt(namedDirectly, as: bob) }

        let carol = try await user("carol", policies: [Self.policy(Self.allow("kms:*"))])
        let denying = try await key(policy: Self.policy(Self.allow("kms:*", principal: Self.rootARN), Self.deny("kms:Encrypt", principal: "*")))
        await expectDenied("with an explicit deny in a resource-based policy") { try await encrypt(denying, as: carol) }
        // Root too: the deny names everyone.
        await expectDenied("with an explicit deny in a resource-based policy") { try await encrypt(denying, as: TestEnvironment.principal) }
    }

    @Test func aKeyPolicyNamingTheUserNeedsNoIdentityPolicy() async throws {
        let dave = try await user("dave")
        let keyID = try await key(policy: Self.policy(
            Self.allow("kms:Encrypt", principal: "arn:aws:iam::\(Self.account):user/dave"), Self.allow("kms:*", principal: Self.rootARN)
        ))
        try await encrypt(keyID, as: dave)
    }

    /// Without the account in the key policy, identity policies grant nothing, and even root is locked out.
    @Test func withoutTheAccountStatementIdentityPoliciesDoNotHelp() async throws {
        let erin = try await user("erin", policies: [Self.policy(Self.allow("kms:*"))])
        let keyID = try await key(policy: Self.policy(Self.allow("kms:DescribeKey", principal: "arn:aws:iam::\(Self.account):user/erin")))
        await expectDenied("because no resource-based policy allows the kms:Encrypt action") { try await encrypt(keyID, as: erin) }
        await expectDenied("because no resource-based policy allows the kms:Encrypt action") {
            try await encrypt(keyID, as: TestEnvironment.principal)
        }
    }

    @Test func conditionsSeeTheEncryptionContextAndTheCallersTags() async throws {
        let keyID = try await key()
        let frank = try await user("frank", policies: [Self.policy(Self.allow(
            "kms:Encrypt", condition: #"{"StringEquals":{"kms:EncryptionContext:purpose":"backup","aws:PrincipalTag/team":"blue"}}"#
        ))], tags: ["team": "blue"])
        try await encrypt(keyID, as: frank, context: #"{"purpose":"backup"}"#)
        await expectDenied("because no identity-based policy allows the kms:Encrypt action") {
            try await encrypt(keyID, as: frank, context: #"{"purpose":"restore"}"#)
        }
        let grace = try await user("grace", policies: [Self.policy(Self.allow(
            "kms:Encrypt", condition: #"{"StringEquals":{"kms:EncryptionContext:purpose":"backup","aws:PrincipalTag/team":"blue"}}"#
        ))], tags: ["team": "red"])
        await expectDenied("because no identity-based policy allows the kms:Encrypt action") {
            try await encrypt(keyID, as: grace, context: #"{"purpose":"backup"}"#)
        }
    }

    /// A grant allows its operations to its grantee, within its constraints,
    /// whose keys compare without regard to case and values exactly.
    @Test func grantsAllowWithinTheirConstraints() async throws {
        let keyID = try await key()
        let heidi = try await user("heidi")
        _ = try await env.call(CreateGrant.self, #"""
            {"KeyId":"\#(keyID)","GranteePrincipal":"arn:aws:iam::\#(Self.account):user/heidi","Operations":["Encrypt"],
             "Constraints":{"EncryptionContextSubset":{"purpose":"backup"}}}
            """#)
        try await encrypt(keyID, as: heidi, context: #"{"purpose":"backup","extra":"1"}"#)
        try await encrypt(keyID, as: heidi, context: #"{"PURPOSE":"backup"}"#)
        await expectDenied("because no identity-based policy allows the kms:Encrypt action") {
            try await encrypt(keyID, as: heidi, context: #"{"purpose":"BACKUP"}"#)
        }
        await expectDenied("because no identity-based policy allows the kms:Decrypt action") {
            let blob = try await env.call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGk="}"#).CiphertextBlob.base64EncodedString()
            _ = try await env.call(Decrypt.self, #"{"CiphertextBlob":"\#(blob)"}"#, as: heidi)
        }
    }

    /// A grantee allowed CreateGrant by a grant passes on no more than that grant holds.
    @Test func aGrantCannotBeWidenedByItsGrantee() async throws {
        let keyID = try await key()
        let mia = try await user("mia")
        let miaARN = "arn:aws:iam::\(Self.account):user/mia"
        _ = try await env.call(CreateGrant.self, #"""
            {"KeyId":"\#(keyID)","GranteePrincipal":"\#(miaARN)","Operations":["CreateGrant","Encrypt"],
             "Constraints":{"EncryptionContextSubset":{"purpose":"backup"}}}
            """#)
        let narrower = #"{"KeyId":"\#(keyID)","GranteePrincipal":"\#(miaARN)","Operations":["Encrypt"],"Constraints":{"EncryptionContextSubset":{"purpose":"backup"}}}"#
        _ = try await env.call(CreateGrant.self, narrower, as: mia)
        let wider = #"{"KeyId":"\#(keyID)","GranteePrincipal":"\#(miaARN)","Operations":["Decrypt"],"Constraints":{"EncryptionContextSubset":{"purpose":"backup"}}}"#
        await expectDenied("does not hold every requested operation under the same constraints") {
            _ = try await env.call(CreateGrant.self, wider, as: mia)
        }
        let unconstrained = #"{"KeyId":"\#(keyID)","GranteePrincipal":"\#(miaARN)","Operations":["Encrypt"]}"#
        await expectDenied("does not hold every requested operation under the same constraints") {
            _ = try await env.call(CreateGrant.self, unconstrained, as: mia)
        }
        #expect(try await env.store.grants(for: try #require(KeyID(keyID))).count == 2)
        // Root's policies allow any grant.
        _ = try await env.call(CreateGrant.self, wider)
    }

    @Test func aGrantToARoleCoversItsSessions() async throws {
        let keyID = try await key()
        let role = RoleRecord(name: "worker", id: "AROAWORKER", trustPolicy: "{}", description: nil, maxSessionDuration: 3600, createdAt: env.clock.now)
        #expect(try await env.store.commit([.createRole(role)]))
        let session = Principal(
            session: Principal.RoleSession(
                roleName: "worker", roleID: "AROAWORKER", roleARN: "arn:aws:iam::\(Self.account):role/worker", sessionName: "s",
                expiration: env.clock.now.addingTimeInterval(900), sourceARN: Self.rootARN
            ),
            accessKeyID: "ASIAWORKER", accountID: Self.account
        )
        await expectDenied("because no identity-based policy allows the kms:Encrypt action") { try await encrypt(keyID, as: session) }
        _ = try await env.call(CreateGrant.self, #"""
            {"KeyId":"\#(keyID)","GranteePrincipal":"arn:aws:iam::\#(Self.account):role/worker","Operations":["Encrypt"]}
            """#)
        try await encrypt(keyID, as: session)
    }

    @Test func operationsOnNoKeyFollowIdentityPoliciesAlone() async throws {
        let ivan = try await user("ivan", policies: [Self.policy(Self.allow("kms:ListKeys"))])
        _ = try await env.call(ListKeys.self, "{}", as: ivan)
        await expectDenied("because no identity-based policy allows the kms:CreateKey action") {
            _ = try await env.call(CreateKey.self, "{}", as: ivan)
        }
        _ = try await env.call(CreateKey.self, "{}")
    }

    /// As in AWS KMS: tags on CreateKey also take kms:TagResource, and an
    /// alias operation is authorized on the alias as well as on the key.
    @Test func taggingAKeyAndNamingItNeedTheirOwnPermissions() async throws {
        let kate = try await user("kate", policies: [Self.policy(Self.allow("kms:CreateKey"))])
        _ = try await env.call(CreateKey.self, "{}", as: kate)
        await expectDenied("because no identity-based policy allows the kms:TagResource action") {
            _ = try await env.call(CreateKey.self, #"{"Tags":[{"TagKey":"team","TagValue":"blue"}]}"#, as: kate)
        }
        let keyID = try await key()
        let keyOnly = #"{"Effect":"Allow","Action":"kms:CreateAlias","Resource":"arn:aws:kms:us-east-1:\#(Self.account):key/\#(keyID)"}"#
        let leo = try await user("leo", policies: [Self.policy(keyOnly)])
        await expectDenied("because no identity-based policy allows the kms:CreateAlias action") {
            _ = try await env.call(CreateAlias.self, #"{"AliasName":"alias/leo","TargetKeyId":"\#(keyID)"}"#, as: leo)
        }
        let aliasToo = #"{"Effect":"Allow","Action":"kms:CreateAlias","Resource":"arn:aws:kms:us-east-1:\#(Self.account):alias/leo"}"#
        #expect(try await env.store.commit([.putInlinePolicy(.user("leo"), InlinePolicy(name: "alias", document: Self.policy(aliasToo)))]))
        _ = try await env.call(CreateAlias.self, #"{"AliasName":"alias/leo","TargetKeyId":"\#(keyID)"}"#, as: leo)
    }

    /// An identity policy change made through the store is seen by the next request.
    @Test func aPolicyChangeIsSeenAtOnce() async throws {
        let keyID = try await key()
        let judy = try await user("judy", policies: [Self.policy(Self.allow("kms:Encrypt"))])
        try await encrypt(keyID, as: judy)
        #expect(try await env.store.commit([.putInlinePolicy(.user("judy"), InlinePolicy(name: "p0", document: Self.policy(Self.deny("kms:*"))))]))
        await expectDenied("with an explicit deny in an identity-based policy") { try await encrypt(keyID, as: judy) }
    }

    /// A policy that would stop the caller from changing it again is refused, unless bypassed.
    @Test func theLockoutSafetyCheck() async throws {
        let keyID = try await key()
        let lockout = Self.policy(Self.allow("kms:Encrypt", principal: Self.rootARN))
        let body = #"{"KeyId":"\#(keyID)","Policy":\#(Self.quoted(lockout))}"#
        do {
            _ = try await env.call(PutKeyPolicy.self, body)
            Issue.record("a lockout policy was accepted")
        } catch let error as KMSError {
            #expect(error.code == .malformedPolicyDocument)
        }
        #expect(try await env.call(GetKeyPolicy.self, #"{"KeyId":"\#(keyID)"}"#).Policy.contains("kms:*"))
        _ = try await env.call(PutKeyPolicy.self, #"{"KeyId":"\#(keyID)","Policy":\#(Self.quoted(lockout)),"BypassPolicyLockoutSafetyCheck":true}"#)
        await expectDenied("because no resource-based policy allows the kms:PutKeyPolicy action") {
            _ = try await env.call(PutKeyPolicy.self, body)
        }
    }
}
