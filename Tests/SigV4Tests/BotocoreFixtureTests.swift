import Foundation
import SigV4
import Testing

/// Requests signed once by botocore 1.43.11 (`SigV4Auth` / `SigV4QueryAuth`,
/// credentials below, clock fixed at 2024-05-17T09:30:45Z), embedded verbatim.
@Suite struct BotocoreFixtureTests {
    static let accessKeyID = "AKIAIOSFODNN7EXAMPLE"
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let signedAt = utcDate("2024-05-17T09:30:45Z")

    /// The fixtures include presigned requests, which the algorithm verifies and an API endpoint refuses by rule.
    let verifier = SigV4Verifier(region: "us-east-1", service: "kms", rules: .algorithmOnly)
    let strict = SigV4Verifier(region: "us-east-1", service: "kms")
    let provider = StaticCredentials([accessKeyID: secret])

    /// `SigV4Auth(creds, "kms", "us-east-1").add_auth(AWSRequest(POST https://kms.us-east-1.amazonaws.com/ …))`.
    static let encryptBody = Array(#"{"KeyId": "alias/trent-test", "Plaintext": "aGVsbG8gd29ybGQ="}"#.utf8)
    static let encrypt = SigV4Request(
        method: "POST", path: "/", query: "",
        headers: [
            (name: "Host", value: "kms.us-east-1.amazonaws.com"),
            (name: "X-Amz-Target", value: "TrentService.Encrypt"),
            (name: "Content-Type", value: "application/x-amz-json-1.1"),
            (name: "X-Amz-Date", value: "20240517T093045Z"),
            (
                name: "Authorization",
                value: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240517/us-east-1/kms/aws4_request, "
                    + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                    + "Signature=31fdb6378af054473f15d91a7d250153adbf0e675c96e97c48ccedff3996491d"
            ),
            (name: "Content-Length", value: "62"),
        ])

    @Test func encryptRequestVerifies() async throws {
        #expect(
            try await verifier.verify(Self.encrypt, body: Self.encryptBody, now: Self.signedAt, credentials: provider)
                == Self.accessKeyID)
    }

    @Test func signerMatchesBotocore() throws {
        let unsigned = SigV4Request(
            method: "POST", path: "/", query: "",
            headers: Array(Self.encrypt.headers.prefix(3)))  // Host, X-Amz-Target, Content-Type
        let signed = SigV4Signer(
            credentials: SigV4Credentials(accessKeyID: Self.accessKeyID, secretAccessKey: Self.secret),
            region: "us-east-1", service: "kms"
        ).sign(unsigned, body: Self.encryptBody, date: Self.signedAt)
        #expect(signed.header("Authorization") == Self.encrypt.header("Authorization"))
    }

    /// `GET /a%20b/c?Foo=bar%2Fbaz&Empty=`: botocore encodes the wire path again
    /// (canonical `/a%2520b/c`), as AWS requires for non-S3 services.
    @Test func pathAndQueryEncodingMatchBotocore() async throws {
        let request = SigV4Request(
            method: "GET", path: "/a%20b/c", query: "Foo=bar%2Fbaz&Empty=",
            headers: [
                (name: "Host", value: "kms.us-east-1.amazonaws.com"),
                (name: "X-Amz-Date", value: "20240517T093045Z"),
                (
                    name: "Authorization",
                    value: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240517/us-east-1/kms/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, "
                        + "Signature=e37c9ad718959f083c6eca015b0428f2622c314309d8c9ac6f132d81e3fdb4ad"
                ),
            ])
        let canonical = SigV4.canonicalRequest(
            request, signedHeaders: ["host", "x-amz-date"], payloadHash: SigV4.hexSHA256([UInt8]()), normalizePath: true
        )
        #expect(
            canonical.split(separator: "\n", omittingEmptySubsequences: false).prefix(3).joined(separator: "\n")
                == "GET\n/a%2520b/c\nEmpty=&Foo=bar%2Fbaz")
        #expect(
            try await verifier.verify(request, body: [], now: Self.signedAt, credentials: provider) == Self.accessKeyID)
    }

    /// `SigV4QueryAuth(creds, "kms", "us-east-1", expires=900)` on the same GET.
    static let presigned = SigV4Request(
        method: "GET", path: "/a%20b/c",
        query: "Foo=bar%2Fbaz&Empty=&X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240517%2Fus-east-1%2Fkms%2Faws4_request"
            + "&X-Amz-Date=20240517T093045Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=70ba6be8322288e002c0ecc20ced0c562b81be17a8534c04ba685835e4673352",
        headers: [(name: "Host", value: "kms.us-east-1.amazonaws.com")])

    @Test func presignedRequestVerifiesUntilItExpires() async throws {
        #expect(
            try await verifier.verify(Self.presigned, body: [], now: Self.signedAt + 899, credentials: provider)
                == Self.accessKeyID)
        await #expect(throws: SigV4Error.self) {
            try await verifier.verify(Self.presigned, body: [], now: Self.signedAt + 901, credentials: provider)
        }
        do {
            _ = try await verifier.verify(Self.presigned, body: [], now: Self.signedAt - 301, credentials: provider)
            Issue.record("a presigned request from the future verified")
        } catch {
            #expect(error.code == .invalidSignature)
            #expect(error.message.hasPrefix("Signature not yet current"))
        }
        // An API endpoint's rules refuse presigned URLs, valid or not.
        do {
            _ = try await strict.verify(Self.presigned, body: [], now: Self.signedAt + 1, credentials: provider)
            Issue.record("a presigned request verified under the strict rules")
        } catch {
            #expect(error.code == .incompleteSignature && error.message.contains("presigned"))
        }
    }

    @Test(arguments: ["X-Amz-Expires=0", "X-Amz-Expires=604801", "X-Amz-Expires=soon"])
    func presignedExpiresOutOfRange(expires: String) async {
        var request = Self.presigned
        request.query = request.query.replacingOccurrences(of: "X-Amz-Expires=900", with: expires)
        do {
            _ = try await verifier.verify(request, body: [], now: Self.signedAt, credentials: provider)
            Issue.record("verified with \(expires)")
        } catch {
            #expect(error.code == .incompleteSignature)
        }
    }

    @Test func presignedMissingParameter() async {
        var request = Self.presigned
        request.query = request.query.replacingOccurrences(of: "&X-Amz-SignedHeaders=host", with: "")
        do {
            _ = try await verifier.verify(request, body: [], now: Self.signedAt, credentials: provider)
            Issue.record("verified without X-Amz-SignedHeaders")
        } catch {
            #expect(error.code == .incompleteSignature)
            #expect(error.message.contains("'X-Amz-SignedHeaders'"))
        }
    }

    @Test func presignedTamperedQuery() async {
        var request = Self.presigned
        request.query = request.query.replacingOccurrences(of: "Foo=bar%2Fbaz", with: "Foo=bar%2Fqux")
        do {
            _ = try await verifier.verify(request, body: [], now: Self.signedAt, credentials: provider)
            Issue.record("verified a tampered query")
        } catch {
            #expect(error.code == .invalidSignature)
        }
    }
}
