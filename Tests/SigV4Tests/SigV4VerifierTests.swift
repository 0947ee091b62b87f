import Foundation
import SigV4
import Testing

@Suite struct SigV4VerifierTests {
    static let accessKeyID = "AKIDTRENTTEST"
    static let secret = "trent/secret+key/EXAMPLE"
    static let signedAt = utcDate("2024-05-17T09:30:45Z")
    static let body = Array(#"{"KeyId":"alias/test","Plaintext":"aGVsbG8="}"#.utf8)

    let verifier = SigV4Verifier(region: "us-east-1", service: "kms")
    let provider = StaticCredentials([accessKeyID: secret])

    static func unsigned(host: Bool = true) -> SigV4Request {
        var headers: [(name: String, value: String)] = [
            (name: "X-Amz-Target", value: "TrentService.Encrypt"),
            (name: "Content-Type", value: "application/x-amz-json-1.1"),
        ]
        if host { headers.insert((name: "Host", value: "localhost:8080"), at: 0) }
        return SigV4Request(method: "POST", path: "/", query: "", headers: headers)
    }

    static func signed(
        secret: String = secret, accessKeyID: String = accessKeyID, sessionToken: String? = nil,
        region: String = "us-east-1", service: String = "kms", at date: Date = signedAt, host: Bool = true
    ) -> SigV4Request {
        SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: sessionToken),
            region: region, service: service
        ).sign(unsigned(host: host), body: body, date: date)
    }

    private func verify(
        _ request: SigV4Request, body: [UInt8] = body, now: Date = signedAt,
        credentials: some SigV4CredentialProvider<String>
    ) async throws(SigV4Error) -> String {
        try await verifier.verify(request, body: body, now: now, credentials: credentials)
    }

    private func expectError(
        _ code: SigV4Error.Code, _ request: SigV4Request, body: [UInt8] = body, now: Date = signedAt,
        credentials: any SigV4CredentialProvider<String> = StaticCredentials([accessKeyID: secret]),
        messageContains: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            _ = try await verify(request, body: body, now: now, credentials: credentials)
            Issue.record("expected \(code.rawValue), but the request verified", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
            if let messageContains {
                #expect(error.message.contains(messageContains), "\(error.message)", sourceLocation: sourceLocation)
            }
            #expect(!error.message.contains(Self.secret), sourceLocation: sourceLocation)
        }
    }

    @Test func signedRequestVerifies() async throws {
        let request = Self.signed()
        #expect(request.header("X-Amz-Date") == "20240517T093045Z")
        #expect(try await verify(request, credentials: provider) == Self.accessKeyID)
        // Cached signing key: the second verification takes the cache path.
        #expect(try await verify(request, credentials: provider) == Self.accessKeyID)
    }

    @Test func headerNamesAndWhitespaceAreCanonicalised() async throws {
        var request = Self.signed()
        request.headers = request.headers.map { (name: $0.name.uppercased(), value: "  \($0.value) ") }
        #expect(try await verify(request, credentials: provider) == Self.accessKeyID)
    }

    @Test func tamperedBody() async {
        await expectError(
            .invalidSignature, Self.signed(), body: Array(#"{"KeyId":"alias/evil"}"#.utf8),
            messageContains: "does not match the signature you provided")
    }

    @Test func tamperedSignedHeader() async {
        await expectError(.invalidSignature, Self.signed().settingHeader("X-Amz-Target", "TrentService.Decrypt"))
    }

    @Test func unsignedHeaderMayChange() async throws {
        let request = Self.signed().settingHeader("User-Agent", "added-after-signing")
        #expect(try await verify(request, credentials: provider) == Self.accessKeyID)
    }

    @Test func wrongSecret() async {
        await expectError(.invalidSignature, Self.signed(secret: "not-the-secret"))
    }

    @Test func wrongRegion() async {
        await expectError(
            .invalidSignature, Self.signed(region: "eu-west-1"),
            messageContains: "Credential should be scoped to a valid region, not 'eu-west-1'.")
    }

    @Test func wrongService() async {
        await expectError(
            .invalidSignature, Self.signed(service: "s3"),
            messageContains: "Credential should be scoped to correct service: 'kms'.")
    }

    @Test func clockSkew() async throws {
        let request = Self.signed()
        await expectError(
            .invalidSignature, request, now: Self.signedAt + 360,
            messageContains:
                "Signature expired: 20240517T093045Z is now earlier than 20240517T093145Z (20240517T093645Z - 5 min.)")
        await expectError(
            .invalidSignature, request, now: Self.signedAt - 360,
            messageContains:
                "Signature not yet current: 20240517T093045Z is still later than 20240517T092945Z (20240517T092445Z + 5 min.)"
        )
        #expect(try await verify(request, now: Self.signedAt + 299, credentials: provider) == Self.accessKeyID)
        #expect(try await verify(request, now: Self.signedAt - 299, credentials: provider) == Self.accessKeyID)
    }

    @Test func missingAuthorization() async {
        await expectError(
            .missingAuthenticationToken, Self.signed().removingHeader("Authorization"),
            messageContains: "Missing Authentication Token")
    }

    @Test func malformedAuthorization() async throws {
        let authorization = try #require(Self.signed().header("Authorization"))
        let parts = authorization.dropFirst("AWS4-HMAC-SHA256 ".count).components(separatedBy: ", ")
        let withoutSignature =
            "AWS4-HMAC-SHA256 " + parts.filter { !$0.hasPrefix("Signature=") }.joined(separator: ", ")
        let withoutSignedHeaders =
            "AWS4-HMAC-SHA256 " + parts.filter { !$0.hasPrefix("SignedHeaders=") }.joined(separator: ", ")
        await expectError(
            .incompleteSignature, Self.signed().settingHeader("Authorization", withoutSignature),
            messageContains: "Authorization header requires 'Signature' parameter.")
        await expectError(
            .incompleteSignature, Self.signed().settingHeader("Authorization", withoutSignedHeaders),
            messageContains: "Authorization header requires 'SignedHeaders' parameter.")
        await expectError(.incompleteSignature, Self.signed().settingHeader("Authorization", "AWS4-HMAC-SHA256"))
        await expectError(
            .incompleteSignature,
            Self.signed().settingHeader(
                "Authorization", authorization.replacingOccurrences(of: "AWS4-HMAC-SHA256", with: "AWS4-HMAC-SHA512")),
            messageContains: "Unsupported AWS 'algorithm'")
        await expectError(
            .incompleteSignature,
            Self.signed().settingHeader(
                "Authorization", authorization.replacingOccurrences(of: "/aws4_request", with: "")),
            messageContains: "exactly 5 slash-delimited elements")
        await expectError(
            .incompleteSignature,
            Self.signed().settingHeader(
                "Authorization", authorization.replacingOccurrences(of: "aws4_request", with: "aws5_request")))
    }

    @Test func hostNotSigned() async {
        // Signed without Host, which is then added on the way out.
        let request = Self.signed(host: false).settingHeader("Host", "localhost:8080")
        await expectError(
            .incompleteSignature, request, messageContains: "'Host' or ':authority' must be a 'SignedHeader'")
    }

    @Test func signedHeaderMissingFromRequest() async {
        await expectError(.invalidSignature, Self.signed().removingHeader("X-Amz-Target"))
    }

    @Test func missingDate() async {
        await expectError(
            .incompleteSignature, Self.signed().removingHeader("X-Amz-Date"),
            messageContains: "either a 'X-Amz-Date' or a 'Date' header")
        await expectError(
            .incompleteSignature, Self.signed().settingHeader("X-Amz-Date", "2024-05-17T09:30:45Z"),
            messageContains: "ISO-8601 'basic format'")
    }

    @Test func dateHeaderMustBeSigned() async throws {
        var request = Self.unsigned()
        request.headers.append((name: "X-Amz-Date", value: "20240517T093045Z"))
        var signed = Self.signed()
        // Same signature, but claims x-amz-date was not signed.
        let authorization = try #require(signed.header("Authorization"))
        signed = signed.settingHeader(
            "Authorization", authorization.replacingOccurrences(of: ";x-amz-date;", with: ";"))
        await expectError(.incompleteSignature, signed, messageContains: "'X-Amz-Date' must be a 'SignedHeader'")
    }

    @Test func scopeDateMustMatchRequestDate() async {
        let request = Self.signed().settingHeader("X-Amz-Date", "20240518T000100Z")
        await expectError(
            .invalidSignature, request, now: utcDate("2024-05-18T00:01:00Z"),
            messageContains: "'20240517' != '20240518'")
    }

    @Test func unknownAccessKey() async {
        await expectError(
            .unrecognizedClient, Self.signed(accessKeyID: "AKIDUNKNOWN"),
            messageContains: "The security token included in the request is invalid.")
    }

    @Test func credentialStoreFailureFailsClosed() async {
        await expectError(.credentialLookupFailed, Self.signed(), credentials: FailingCredentials())
    }

    @Test func sessionTokenIsRejected() async {
        await expectError(.unrecognizedClient, Self.signed(sessionToken: "FQoGZXIvYXdzEXAMPLE"))
    }

    @Test func contentSHA256MustMatchBody() async throws {
        let other = SigV4.hexSHA256(Array("other".utf8))
        // Added after signing, it is refused as unsigned before anything else.
        await expectError(.incompleteSignature, Self.signed().settingHeader("x-amz-content-sha256", other), messageContains: "x-amz-content-sha256")
        func signed(claiming hash: String) -> SigV4Request {
            var request = Self.unsigned()
            request.headers.append((name: "X-Amz-Content-SHA256", value: hash))
            return SigV4Signer(
                credentials: SigV4Credentials(accessKeyID: Self.accessKeyID, secretAccessKey: Self.secret),
                region: "us-east-1", service: "kms"
            ).sign(request, body: Self.body, date: Self.signedAt)
        }
        // Signed, but not the hash of the body.
        await expectError(.invalidSignature, signed(claiming: other), messageContains: "x-amz-content-sha256")
        // A matching header that was part of the signature verifies.
        #expect(try await verify(signed(claiming: SigV4.hexSHA256(Self.body)), credentials: provider) == Self.accessKeyID)
    }

    /// An endpoint's rules: every x-amz-* header and the content type signed,
    /// one Authorization header, no presigned URLs.
    @Test func strictRulesRefuseWhatSDKsNeverSend() async throws {
        // Signed without X-Amz-Target, a request could be replayed as any operation.
        var unsignedTarget = Self.unsigned()
        unsignedTarget.headers.removeAll { $0.name.lowercased() == "x-amz-target" }
        let signedWithoutTarget = SigV4Signer(
            credentials: SigV4Credentials(accessKeyID: Self.accessKeyID, secretAccessKey: Self.secret), region: "us-east-1", service: "kms"
        ).sign(unsignedTarget, body: Self.body, date: Self.signedAt)
        await expectError(
            .incompleteSignature, signedWithoutTarget.settingHeader("X-Amz-Target", "TrentService.DisableKey"), messageContains: "X-Amz-Target"
        )
        await expectError(.incompleteSignature, signedWithoutTarget.settingHeader("X-Amz-Meta", "x"), messageContains: "X-Amz-Meta")
        var twice = Self.signed()
        twice.headers.append(try #require(Self.signed().headers.first { $0.name == "Authorization" }))
        await expectError(.incompleteSignature, twice, messageContains: "Only one Authorization header")
    }

    @Test func rotatedSecretDoesNotHitStaleCachedKey() async throws {
        let oldProvider = StaticCredentials([Self.accessKeyID: Self.secret])
        let newProvider = StaticCredentials([Self.accessKeyID: "rotated-secret"])
        // Same verifier (same cache) throughout.
        #expect(try await verify(Self.signed(), credentials: oldProvider) == Self.accessKeyID)
        await expectError(.invalidSignature, Self.signed(), credentials: newProvider)
        #expect(try await verify(Self.signed(secret: "rotated-secret"), credentials: newProvider) == Self.accessKeyID)
    }

    @Test func signerReplacesPreviousSignature() async throws {
        let resigned = SigV4Signer(
            credentials: SigV4Credentials(accessKeyID: Self.accessKeyID, secretAccessKey: Self.secret),
            region: "us-east-1", service: "kms"
        ).sign(Self.signed(secret: "old"), body: Self.body, date: Self.signedAt)
        #expect(resigned.headers.filter { $0.name == "Authorization" }.count == 1)
        #expect(try await verify(resigned, credentials: provider) == Self.accessKeyID)
    }

    @Test func concurrentVerifications() async throws {
        let verifier = self.verifier
        let provider = self.provider
        let request = Self.signed()
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    try await verifier.verify(request, body: Self.body, now: Self.signedAt, credentials: provider)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 64 && results.allSatisfy { $0 == Self.accessKeyID })
    }
}
