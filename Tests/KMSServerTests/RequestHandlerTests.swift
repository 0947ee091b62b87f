import Foundation
import HTTPTypes
import Hummingbird
import KMSAudit
import KMSCore
import KMSIdentity
@testable import KMSServer
import KMSTestSupport
import Logging
import NIOCore
import SigV4
import Synchronization
import Testing

/// The HTTP layer in process: SigV4, dispatch and AWS error shapes, with a
/// real SQLite store behind it and no sockets.
@Suite("KMS request handler")
struct RequestHandlerTests {
    static let accessKeyID = "AKIDTESTHANDLER00001"
    static let secret = "handler-test-secret-0123456789"

    let env: TestEnvironment
    let handler: KMSRequestHandler

    init() async throws {
        env = try TestEnvironment()
        let identities = Identities(
            store: env.store, sealer: SecretSealer(rootKey: env.rootKey), accountID: TestEnvironment.accountID,
            now: { [clock = env.clock] in clock.now }
        )
        try await identities.createUser(named: "root", accessKeyID: Self.accessKeyID, secret: Self.secret)
        let queries = QueryPipeline(identities: identities, authorizer: env.pipeline.authorizer, auditSink: env.audit, region: TestEnvironment.region)
        let cloudTrail = CloudTrailAPI(store: env.store, authorizer: env.pipeline.authorizer, auditSink: env.audit, region: TestEnvironment.region)
        handler = KMSRequestHandler(
            pipeline: env.pipeline, queries: queries, cloudTrail: cloudTrail, identityGeneration: { [store = env.store] in store.identityGeneration },
            credentialCacheLifetime: .seconds(30), principalRateLimit: nil, logger: Logger(label: "test")
        )
    }

    struct Reply {
        var status: HTTPResponse.Status
        var json: [String: Any]
        var type: String? { json["__type"] as? String }
    }

    func send(
        _ operation: String, _ body: String, signed: Bool = true, secret: String = Self.secret,
        as credentials: SigV4Credentials? = nil
    ) async throws -> Reply {
        let bytes = Array(body.utf8)
        var wire = SigV4Request(method: "POST", path: "/", query: "", headers: [
            ("host", "kms.test"), ("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "TrentService.\(operation)"),
        ])
        if signed {
            let credentials = credentials ?? SigV4Credentials(accessKeyID: Self.accessKeyID, secretAccessKey: secret)
            let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "kms")
            wire = signer.sign(wire, body: bytes, date: env.clock.now)
        }
        var fields = HTTPFields()
        for (name, value) in wire.headers where name != "host" { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        let head = HTTPRequest(method: .post, scheme: "http", authority: "kms.test", path: "/", headerFields: fields)
        let response = await handler.handle(Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: bytes))), remoteAddress: "192.0.2.7")
        let collector = Collector()
        try await response.body.write(collector)
        let data = collector.bytes
        let json = data.isEmpty ? [:] : (try JSONSerialization.jsonObject(with: Data(data)) as? [String: Any] ?? [:])
        #expect(response.headers[.contentType] == "application/x-amz-json-1.1")
        return Reply(status: response.status, json: json)
    }

    /// A form-encoded request signed for `service`, without X-Amz-Target, and the raw answer.
    func sendQuery(_ body: String, service: String, region: String = "us-east-1") async throws -> (status: HTTPResponse.Status, type: String?, text: String) {
        let bytes = Array(body.utf8)
        let signer = SigV4Signer(credentials: SigV4Credentials(accessKeyID: Self.accessKeyID, secretAccessKey: Self.secret), region: region, service: service)
        let wire = signer.sign(
            SigV4Request(method: "POST", path: "/", query: "", headers: [
                ("host", "kms.test"), ("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
            ]),
            body: bytes, date: env.clock.now
        )
        var fields = HTTPFields()
        for (name, value) in wire.headers where name != "host" { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        let head = HTTPRequest(method: .post, scheme: "http", authority: "kms.test", path: "/", headerFields: fields)
        let response = await handler.handle(Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: bytes))), remoteAddress: "192.0.2.7")
        let collector = Collector()
        try await response.body.write(collector)
        return (response.status, response.headers[.contentType], String(decoding: collector.bytes, as: UTF8.self))
    }

    /// The scope's service picks the API and its error shape.
    @Test func theSignaturesServicePicksTheAPI() async throws {
        let identity = try await sendQuery("Action=GetCallerIdentity&Version=2011-06-15", service: "sts")
        #expect(identity.status == .ok && identity.type == "text/xml")
        #expect(identity.text.contains("<Arn>arn:aws:iam::111122223333:root</Arn>"))
        let missing = try await sendQuery("Action=GetUser&Version=2010-05-08&UserName=nobody", service: "iam")
        #expect(missing.status == .notFound)
        #expect(missing.text.contains("<Code>NoSuchEntity</Code>"))
        // An STS action is not an IAM one.
        let wrongAPI = try await sendQuery("Action=GetCallerIdentity&Version=2011-06-15", service: "iam")
        #expect(wrongAPI.status == .badRequest && wrongAPI.text.contains("<Code>InvalidAction</Code>"))
        // A service this endpoint does not serve is an unknown operation, not a bad signature.
        let s3 = try await sendQuery("Action=ListBuckets", service: "s3")
        #expect(s3.status == .badRequest && s3.type == "application/x-amz-json-1.1")
        #expect(s3.text.contains("UnknownOperationException") && s3.text.contains("signed for s3"))
        let badSignature = try await sendQuery("Action=GetCallerIdentity", service: "sts", region: "eu-west-1")
        #expect(badSignature.status == .forbidden && badSignature.text.contains("<Code>SignatureDoesNotMatch</Code>"))
    }

    /// Temporary credentials authenticate until they expire, then answer ExpiredTokenException.
    @Test func sessionCredentialsExpire() async throws {
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#
        let role = try await sendQuery(
            "Action=CreateRole&RoleName=r&AssumeRolePolicyDocument=\(trust.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
            service: "iam"
        )
        #expect(role.status == .ok)
        let assumed = try await sendQuery(
            "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fr&RoleSessionName=session&DurationSeconds=900", service: "sts"
        )
        func element(_ name: String) throws -> String {
            let text = assumed.text
            let start = try #require(text.range(of: "<\(name)>")), end = try #require(text.range(of: "</\(name)>"))
            return String(text[start.upperBound..<end.lowerBound])
        }
        let session = SigV4Credentials(
            accessKeyID: try element("AccessKeyId"), secretAccessKey: try element("SecretAccessKey"), sessionToken: try element("SessionToken")
        )
        // Authenticated: the role has no policy, so the answer is a denial, not an authentication failure.
        #expect(try await send("ListKeys", "{}", as: session).type == "AccessDeniedException")
        env.clock.advance(days: 901.0 / 86_400)
        let expired = try await send("ListKeys", "{}", as: session)
        #expect(expired.status == .badRequest)
        #expect(expired.type == "ExpiredTokenException")
    }

    @Test func signedEncryptAndDecrypt() async throws {
        let created = try await send("CreateKey", "{}")
        #expect(created.status == .ok)
        let metadata = try #require(created.json["KeyMetadata"] as? [String: Any])
        let keyID = try #require(metadata["KeyId"] as? String)
        let encrypted = try await send("Encrypt", #"{"KeyId":"\#(keyID)","Plaintext":"aGk="}"#)
        #expect(encrypted.status == .ok)
        let blob = try #require(encrypted.json["CiphertextBlob"] as? String)
        let decrypted = try await send("Decrypt", #"{"CiphertextBlob":"\#(blob)"}"#)
        #expect(decrypted.json["Plaintext"] as? String == "aGk=")
        #expect(decrypted.json["KeyId"] as? String == "arn:aws:kms:us-east-1:111122223333:key/\(keyID)")
    }

    @Test func rejectsUnsignedAndBadlySignedRequests() async throws {
        let unsigned = try await send("ListKeys", "{}", signed: false)
        #expect(unsigned.status == .forbidden)
        #expect(unsigned.type == "MissingAuthenticationTokenException")
        let wrongSecret = try await send("ListKeys", "{}", secret: "not-the-secret-0123456789")
        #expect(wrongSecret.status == .badRequest)
        #expect(wrongSecret.type == "InvalidSignatureException")
    }

    @Test(arguments: [
        ("NoSuchOperation", "{}", "UnknownOperationException"),
        ("ReplicateKey", "{}", "UnsupportedOperationException"),
        ("DescribeKey", "{not json", "SerializationException"),
        ("DescribeKey", "[]", "SerializationException"),
        ("DescribeKey", #"{"KeyId":5}"#, "SerializationException"),
        ("DescribeKey", "{}", "ValidationException"),
        ("Encrypt", #"{"KeyId":"alias/x","Plaintext":"not base64!"}"#, "SerializationException"),
        ("DescribeKey", #"{"KeyId":"alias/none"}"#, "NotFoundException"),
    ])
    func clientErrorsHaveAWSShapes(operation: String, body: String, type: String) async throws {
        let reply = try await send(operation, body)
        #expect(reply.status == .badRequest)
        #expect(reply.type == type)
        #expect(reply.json["message"] is String)
    }

    @Test func missingRequiredFieldNamesItLikeAWS() async throws {
        let reply = try await send("DescribeKey", "{}")
        #expect((reply.json["message"] as? String)?.contains("Value null at 'keyId'") == true)
    }

    @Test func oversizedBodyIsStillRejectedWhileReading() async throws {
        let reply = try await send("Encrypt", String(repeating: " ", count: KMSRequestHandler.maximumBodySize + 1))
        #expect(reply.status == .badRequest)
        #expect(reply.type == "ValidationException")
    }

    /// A declared Content-Length over the limit is refused from the headers
    /// alone: the body, whose stream records any read, is never touched.
    @Test func oversizedBodyIsRejectedWithoutReadingIt() async throws {
        let body = Array("{}".utf8)
        let signer = SigV4Signer(credentials: SigV4Credentials(accessKeyID: Self.accessKeyID, secretAccessKey: Self.secret), region: "us-east-1", service: "kms")
        let wire = signer.sign(SigV4Request(method: "POST", path: "/", query: "", headers: [
            ("host", "kms.test"), ("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "TrentService.ListKeys"),
        ]), body: body, date: env.clock.now)
        var fields = HTTPFields()
        for (name, value) in wire.headers where name != "host" { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        fields[.contentLength] = String(KMSRequestHandler.maximumBodySize + 1)
        let head = HTTPRequest(method: .post, scheme: "http", authority: "kms.test", path: "/", headerFields: fields)
        let stream = WatchedBody(bytes: body)
        let response = await handler.handle(Request(head: head, body: RequestBody(asyncSequence: stream)), remoteAddress: nil)
        let collector = Collector()
        try await response.body.write(collector)
        let json = try JSONSerialization.jsonObject(with: Data(collector.bytes)) as? [String: Any]
        #expect(response.status == .badRequest)
        #expect(json?["__type"] as? String == "ValidationException")
        #expect((json?["message"] as? String)?.contains("exceeds the limit") == true)
        #expect(stream.wasRead == false, "the body was read although Content-Length already exceeded the limit")
    }

    /// As botocore's model marks them faults: SDKs retry exactly these.
    @Test func onlyInternalFailuresAndDependencyTimeoutsAreServerErrors() {
        for code in KMSError.Code.allCases {
            let isServerError = code.httpStatus.code >= 500
            #expect(isServerError == (code == .internalFailure || code == .dependencyTimeout), "\(code)")
        }
    }
}

/// A request body that records whether anyone started reading it.
struct WatchedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let bytes: [UInt8]
    private let box: Box

    final class Box: Sendable {
        let read = Mutex(false)
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
        self.box = Box()
    }

    var wasRead: Bool { box.read.withLock { $0 } }

    func makeAsyncIterator() -> Iterator { Iterator(bytes: bytes, box: box) }

    struct Iterator: AsyncIteratorProtocol {
        var bytes: [UInt8]?
        let box: Box
        init(bytes: [UInt8], box: Box) {
            self.bytes = bytes
            self.box = box
        }
        mutating func next() async throws -> ByteBuffer? {
            box.read.withLock { $0 = true }
            defer { bytes = nil }
            return bytes.map { ByteBuffer(bytes: $0) }
        }
    }
}

/// Gathers a response body in memory.
final class Collector: ResponseBodyWriter, Sendable {
    private let buffer = Mutex<[UInt8]>([])
    var bytes: [UInt8] { buffer.withLock { $0 } }
    func write(_ chunk: ByteBuffer) async throws { buffer.withLock { $0 += chunk.readableBytesView } }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
