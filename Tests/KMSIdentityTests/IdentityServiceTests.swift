import Foundation
import KMSCore
import KMSCrypto
@testable import KMSIdentity
import KMSTestSupport
import Testing

/// IAM and STS through the query pipeline, against a real store.
@Suite("IAM and STS")
struct IdentityServiceTests {
    let env: TestEnvironment
    let identities: Identities
    let queries: QueryPipeline

    init() throws {
        env = try TestEnvironment()
        identities = Identities(
            store: env.store, sealer: SecretSealer(rootKey: env.rootKey), accountID: TestEnvironment.accountID,
            now: { [clock = env.clock] in clock.now }
        )
        queries = QueryPipeline(identities: identities, authorizer: env.pipeline.authorizer, auditSink: env.audit, region: TestEnvironment.region)
    }

    func call(_ service: QueryService, _ body: String, as caller: Principal = TestEnvironment.principal) async throws(KMSError) -> String {
        String(decoding: try await queries.handle(service, body: Array(body.utf8), context: env.requestContext(principal: caller)), as: UTF8.self)
    }

    static func value(_ element: String, in xml: String) -> String? {
        guard let start = xml.range(of: "<\(element)>"), let end = xml.range(of: "</\(element)>", range: start.upperBound..<xml.endIndex) else {
            return nil
        }
        return String(xml[start.upperBound..<end.lowerBound])
    }

    @Test func aUserMayCallIAMOnlyAsItsPoliciesAllow() async throws {
        _ = try await call(.iam, "Action=CreateUser&Version=2010-05-08&UserName=alice")
        let alice = Principal(userName: "alice", userID: "AIDAALICE", accessKeyID: "AKIAALICE", accountID: TestEnvironment.accountID)
        await #expect(throws: KMSError(.accessDenied, "")) { _ = try await call(.iam, "Action=CreateUser&UserName=mallory", as: alice) }
        #expect(try await env.store.user(named: "mallory") == nil)
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*"}]}"#
        let encoded = policy.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        _ = try await call(.iam, "Action=PutUserPolicy&UserName=alice&PolicyName=p&PolicyDocument=\(encoded)")
        _ = try await call(.iam, "Action=CreateUser&UserName=mallory", as: alice)
        #expect(try await env.store.user(named: "mallory") != nil)
        // GetCallerIdentity needs no permission.
        let identity = try await call(.sts, "Action=GetCallerIdentity", as: alice)
        #expect(Self.value("Arn", in: identity) == "arn:aws:iam::111122223333:user/alice")
    }

    @Test func unknownActionsAndVersionsAreRefused() async {
        await #expect(throws: KMSError(.unknownOperation, "")) { _ = try await call(.iam, "Action=CreateBucket") }
        await #expect(throws: KMSError(.unknownOperation, "")) { _ = try await call(.iam, "Action=ListUsers&Version=2011-06-15") }
        await #expect(throws: KMSError(.unknownOperation, "")) { _ = try await call(.sts, "Action=ListUsers") }
    }

    /// Temporary credentials verify until they expire, then answer ExpiredToken; a token for another key does not open.
    @Test func sessionsExpire() async throws {
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#
        let encoded = trust.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        _ = try await call(.iam, "Action=CreateRole&RoleName=worker&AssumeRolePolicyDocument=\(encoded)")
        let answer = try await call(.sts, "Action=AssumeRole&RoleArn=arn:aws:iam::111122223333:role/worker&RoleSessionName=s1&DurationSeconds=900")
        let keyID = try #require(Self.value("AccessKeyId", in: answer))
        let token = try #require(Self.value("SessionToken", in: answer))
        #expect(keyID.hasPrefix("ASIA") && keyID.count == 20)

        let found = try #require(try await identities.credentials(for: keyID, sessionToken: token))
        #expect(found.principal.arn == "arn:aws:sts::111122223333:assumed-role/worker/s1")
        #expect(found.secret == Self.value("SecretAccessKey", in: answer))
        #expect(try await identities.credentials(for: "ASIAOTHERKEY00000000", sessionToken: token) == nil)
        var tampered = Array(Data(base64Encoded: token)!)
        tampered[tampered.count / 2] ^= 1
        #expect(try await identities.credentials(for: keyID, sessionToken: Data(tampered).base64EncodedString()) == nil)

        env.clock.advance(days: 899.0 / 86_400)
        #expect(try await identities.credentials(for: keyID, sessionToken: token) != nil)
        env.clock.advance(days: 1.0 / 86_400)
        await #expect(throws: KMSError(.expiredToken, "")) { _ = try await identities.credentials(for: keyID, sessionToken: token) }
    }

    @Test func anInactiveKeyDoesNotAuthenticate() async throws {
        let issued = try await identities.createUser(named: "bob")
        #expect(try await identities.credentials(for: issued.AccessKeyId, sessionToken: nil) != nil)
        _ = try await call(.iam, "Action=UpdateAccessKey&UserName=bob&AccessKeyId=\(issued.AccessKeyId)&Status=Inactive")
        #expect(try await identities.credentials(for: issued.AccessKeyId, sessionToken: nil) == nil)
        // A long-term key takes no session token.
        _ = try await call(.iam, "Action=UpdateAccessKey&UserName=bob&AccessKeyId=\(issued.AccessKeyId)&Status=Active")
        #expect(try await identities.credentials(for: issued.AccessKeyId, sessionToken: "dG9rZW4=") == nil)
    }
}
