import Foundation
import SigV4
import Testing

/// The aws-c-auth SigV4 test suite, at `../shared/vectors/sigv4` from the repo root.
enum Vectors {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // SigV4Tests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repo root
        .appendingPathComponent("../shared/vectors/sigv4")
        .standardizedFileURL

    static let caseNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let cases = names.filter {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("\($0)/context.json").path)
        }
        .sorted()
        if cases.isEmpty {
            print("skipping SigV4 vectors: ../shared/vectors/sigv4 not found (looked in \(directory.path))")
        }
        return cases
    }()

    static var available: Bool { !caseNames.isEmpty }

    struct Context: Decodable {
        struct Credentials: Decodable {
            let accessKeyID: String
            let secretAccessKey: String
            let token: String?

            enum CodingKeys: String, CodingKey {
                case accessKeyID = "access_key_id"
                case secretAccessKey = "secret_access_key"
                case token
            }
        }

        let credentials: Credentials
        let expirationInSeconds: Int
        let normalize: Bool
        let region: String
        let service: String
        let signBody: Bool
        let timestamp: String
        let omitSessionToken: Bool?

        enum CodingKeys: String, CodingKey {
            case credentials, normalize, region, service, timestamp
            case expirationInSeconds = "expiration_in_seconds"
            case signBody = "sign_body"
            case omitSessionToken = "omit_session_token"
        }

        var date: Date { utcDate(timestamp) }
    }

    struct Case {
        let name: String
        let context: Context

        func file(_ name: String) throws -> String {
            try String(contentsOf: directory.appendingPathComponent("\(self.name)/\(name)"), encoding: .utf8)
        }
    }

    static func load(_ name: String) throws -> Case {
        let data = try Data(contentsOf: directory.appendingPathComponent("\(name)/context.json"))
        return Case(name: name, context: try JSONDecoder().decode(Context.self, from: data))
    }
}

/// Every case is checked in both variants, byte for byte, through the public
/// building blocks, starting from the signed request as a server receives it.
@Suite(.enabled(if: Vectors.available, "SigV4 vectors not found at ../shared/vectors/sigv4"))
struct SigV4VectorTests {
    @Test("header auth: canonical request, string to sign, signature", arguments: Vectors.caseNames)
    func headerVariant(name: String) throws {
        let vector = try Vectors.load(name)
        let (request, body) = parseHTTPRequest(try vector.file("header-signed-request.txt"))
        let authorization = try #require(request.header("Authorization"))
        let signedHeaders = try #require(
            authorization.split(separator: " ").first { $0.hasPrefix("SignedHeaders=") }?
                .dropFirst("SignedHeaders=".count).trimmingCharacters(in: CharacterSet(charactersIn: ",")))
        let amzDate = try #require(request.header("X-Amz-Date"))
        try checkVariant(
            vector, prefix: "header", request: request, body: body,
            signedHeaders: signedHeaders.split(separator: ";").map(String.init), amzDate: amzDate)
    }

    @Test("query auth: canonical request, string to sign, signature", arguments: Vectors.caseNames)
    func queryVariant(name: String) throws {
        let vector = try Vectors.load(name)
        var (request, body) = parseHTTPRequest(try vector.file("query-signed-request.txt"))
        if vector.context.omitSessionToken == true {
            // This case appends the token to the URL after signing (the IoT
            // convention), so it is not part of what was signed. A server-side
            // verifier never sees that mode;
            // here the token is removed before canonicalising.
            request.query = request.query.split(separator: "&").filter { !$0.hasPrefix("X-Amz-Security-Token=") }
                .joined(separator: "&")
        }
        let signedHeaders = try #require(request.queryParameter("X-Amz-SignedHeaders"))
        let amzDate = try #require(request.queryParameter("X-Amz-Date"))
        try checkVariant(
            vector, prefix: "query", request: request, body: body,
            signedHeaders: signedHeaders.split(separator: ";").map(String.init), amzDate: amzDate)
    }

    private func checkVariant(
        _ vector: Vectors.Case, prefix: String, request: SigV4Request, body: [UInt8], signedHeaders: [String],
        amzDate: String
    ) throws {
        let context = vector.context
        let canonical = SigV4.canonicalRequest(
            request, signedHeaders: signedHeaders, payloadHash: SigV4.hexSHA256(body), normalizePath: context.normalize)
        #expect(canonical == (try vector.file("\(prefix)-canonical-request.txt")))

        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(context.region)/\(context.service)/aws4_request"
        let stringToSign = SigV4.stringToSign(canonicalRequest: canonical, amzDate: amzDate, scope: scope)
        #expect(stringToSign == (try vector.file("\(prefix)-string-to-sign.txt")))

        let key = SigV4.signingKey(
            secret: context.credentials.secretAccessKey, date: day, region: context.region, service: context.service)
        #expect(
            SigV4.signature(signingKey: key, stringToSign: stringToSign) == (try vector.file("\(prefix)-signature.txt"))
        )
    }

    /// The signer reproduces the suite's `Authorization` header from `request.txt`.
    /// Not applicable (and skipped inside) where the suite signs in a mode the
    /// signer does not offer: unnormalized paths that normalization would change
    /// (the signer always normalizes, as SDKs do for non-S3 services) and
    /// `omitSessionToken` (the signer always signs the token it sends).
    @Test("signer reproduces the Authorization header", arguments: Vectors.caseNames)
    func signer(name: String) throws {
        let vector = try Vectors.load(name)
        let context = vector.context
        var (request, body) = parseHTTPRequest(try vector.file("request.txt"))
        guard context.omitSessionToken != true, context.normalize || normalizationIsNoOp(request) else { return }
        if context.signBody {
            // The suite adds the payload hash header when it signs the body.
            request.headers.append((name: "x-amz-content-sha256", value: SigV4.hexSHA256(body)))
        }
        let credentials = SigV4Credentials(
            accessKeyID: context.credentials.accessKeyID, secretAccessKey: context.credentials.secretAccessKey,
            sessionToken: context.credentials.token)
        let signed = SigV4Signer(credentials: credentials, region: context.region, service: context.service)
            .sign(request, body: body, date: context.date)
        let expected = parseHTTPRequest(try vector.file("header-signed-request.txt")).request
        #expect(signed.header("Authorization") == expected.header("Authorization"))
        #expect(signed.header("X-Amz-Date") == expected.header("X-Amz-Date"))
    }

    /// The verifier (non-S3 rules) accepts both signed variants, handing the
    /// session token to the credential provider, except where the case must be
    /// rejected: unnormalized paths that a non-S3 service normalizes before verifying.
    @Test("verifier accepts or rightly rejects the signed requests", arguments: Vectors.caseNames)
    func verifier(name: String) async throws {
        let vector = try Vectors.load(name)
        let context = vector.context
        // The suite includes requests a hardened endpoint refuses (unsigned x-amz-* headers, presigned URLs).
        let verifier = SigV4Verifier(region: context.region, service: context.service, rules: .algorithmOnly)
        let provider = StaticCredentials(
            [context.credentials.accessKeyID: context.credentials.secretAccessKey],
            tokens: context.credentials.token.map { [context.credentials.accessKeyID: $0] } ?? [:]
        )
        for file in ["header-signed-request.txt", "query-signed-request.txt"] {
            let (request, body) = parseHTTPRequest(try vector.file(file))
            let expectedError: SigV4Error.Code? =
                if vector.context.omitSessionToken == true && file.hasPrefix("query") {
                    // The token was appended to the URL after signing, so the signature does not cover the query we see.
                    .invalidSignature
                } else if !context.normalize && !normalizationIsNoOp(request) {
                    .invalidSignature
                } else {
                    nil
                }
            do {
                let accessKeyID = try await verifier.verify(
                    request, body: body, now: context.date, credentials: provider)
                #expect(
                    expectedError == nil, "\(file) verified but should fail with \(String(describing: expectedError))")
                #expect(accessKeyID == context.credentials.accessKeyID)
            } catch {
                #expect(error.code == expectedError, "\(file): \(error.message)")
            }
        }
    }

    private func normalizationIsNoOp(_ request: SigV4Request) -> Bool {
        SigV4.canonicalRequest(request, signedHeaders: [], payloadHash: "", normalizePath: true)
            == SigV4.canonicalRequest(request, signedHeaders: [], payloadHash: "", normalizePath: false)
    }
}
