public import Foundation

/// Verifies AWS SigV4 (AWS4-HMAC-SHA256) requests for a set of credential
/// scopes (service and region), the way an AWS endpoint does (non-S3 rules:
/// the path is normalized and the payload is always the SHA-256 of the
/// actual body). One endpoint serving several APIs accepts one scope per API.
public struct SigV4Verifier: Sendable {
    public struct Scope: Sendable, Hashable {
        public var service: String
        public var region: String
        public init(service: String, region: String) {
            self.service = service
            self.region = region
        }
    }

    /// What an endpoint demands beyond a correct signature.
    public struct Rules: Sendable {
        /// Every `x-amz-*` header present, and `content-type`, must be signed: an
        /// unsigned `X-Amz-Target` would let a captured request be replayed as another operation.
        public var signedRequestHeaders: Bool
        /// Whether presigned (query-string) authentication is accepted.
        public var presignedQueries: Bool

        /// What an API endpoint answering SDKs should demand: SDKs sign these headers and use no presigned URLs.
        public static let strict = Rules(signedRequestHeaders: true, presignedQueries: false)
        /// The signature algorithm alone, as AWS's SigV4 test suite exercises it.
        public static let algorithmOnly = Rules(signedRequestHeaders: false, presignedQueries: true)
        /// Header-signed requests whose signer chooses what to sign beyond `host` and the date:
        /// AWS KMS signs an XKS proxy's requests over `host;x-amz-date` only.
        public static let signatureOnly = Rules(signedRequestHeaders: false, presignedQueries: false)
    }

    /// Each accepted scope with its signing-key cache; the first is named in errors.
    private let scopes: [(scope: Scope, keyCache: SigningKeyCache)]
    public let maxClockSkew: TimeInterval
    public let rules: Rules

    public init(region: String, service: String, maxClockSkew: TimeInterval = 300, rules: Rules = .strict) {
        self.init(scopes: [Scope(service: service, region: region)], maxClockSkew: maxClockSkew, rules: rules)
    }

    public init(scopes: [Scope], maxClockSkew: TimeInterval = 300, rules: Rules = .strict) {
        precondition(!scopes.isEmpty, "a verifier needs at least one scope")
        self.scopes = scopes.map { ($0, SigningKeyCache(region: $0.region, service: $0.service)) }
        self.maxClockSkew = maxClockSkew
        self.rules = rules
    }

    /// Verifies header-based auth (`Authorization: AWS4-HMAC-SHA256 …`) or, when
    /// there is no `Authorization` header, presigned query auth (`X-Amz-Signature`).
    /// Returns the identity of the access key that signed the request.
    public func verify<Provider: SigV4CredentialProvider>(
        _ request: SigV4Request, body: [UInt8], now: Date, credentials: Provider
    ) async throws(SigV4Error) -> Provider.Identity {
        try await verifyScoped(request, body: body, now: now, credentials: credentials).identity
    }

    /// As `verify`, also returning the scope the request was signed for, which says which API it calls.
    public func verifyScoped<Provider: SigV4CredentialProvider>(
        _ request: SigV4Request, body: [UInt8], now: Date, credentials: Provider
    ) async throws(SigV4Error) -> (identity: Provider.Identity, scope: Scope) {
        try finish(try await begin(request, now: now, credentials: credentials), request, body: body)
    }

    /// A request whose headers passed every check that needs no body: the
    /// signature's form, its scope, its date, its signed headers and a known
    /// access key. Only `finish` authenticates it.
    public struct HeadersChecked<Identity: Sendable>: Sendable {
        fileprivate let parameters: SignatureParameters
        fileprivate let accepted: Int
        fileprivate let amzDate: AmzDate
        fileprivate let signedHeaders: [String]
        fileprivate let credential: SigV4Credential<Identity>

        /// The scope the request claims; what it calls once `finish` succeeds.
        public let scope: Scope
        public var accessKeyID: String { parameters.credential.accessKeyID }
    }

    /// Everything that can be checked before the body is read, so that a
    /// request that cannot authenticate costs no body buffer.
    public func begin<Provider: SigV4CredentialProvider>(
        _ request: SigV4Request, now: Date, credentials: Provider
    ) async throws(SigV4Error) -> HeadersChecked<Provider.Identity> {
        let parameters: SignatureParameters
        if let authorization = request.firstValue(ofHeader: "authorization") {
            // Which of two Authorization headers a proxy or server would act on is ambiguous; refuse both.
            guard request.headers.lazy.filter({ asciiCaseInsensitiveEquals($0.name, "authorization") }).count == 1 else {
                throw .incomplete("Only one Authorization header is allowed.")
            }
            parameters = try AuthorizationHeader.parse(authorization)
        } else if let presigned = try PresignedQuery.parse(request.query) {
            guard rules.presignedQueries else {
                throw .incomplete("Query-string (presigned) authentication is not accepted here; sign the Authorization header.")
            }
            parameters = presigned
        } else {
            throw .missingAuthenticationToken
        }
        let credential = parameters.credential

        let sessionToken = parameters.querySecurityToken ?? request.firstValue(ofHeader: "x-amz-security-token")
        guard let accepted = scopes.firstIndex(where: { $0.scope.region == credential.region && $0.scope.service == credential.service }) else {
            guard scopes.contains(where: { $0.scope.region == credential.region }) else {
                throw .invalid("Credential should be scoped to a valid region, not '\(credential.region)'.")
            }
            throw .invalid("Credential should be scoped to correct service: '\(scopes[0].scope.service)'.")
        }

        let (amzDate, dateHeader) = try requestDate(request, parameters: parameters)
        guard amzDate.day == credential.date else {
            throw .invalid(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                    + "'\(credential.date)' != '\(amzDate.day)', from '\(amzDate.text)'.")
        }
        try checkTime(amzDate, source: parameters.source, now: now)

        let signedHeaders = SigV4.sortedSignedHeaders(parameters.signedHeaders)
        try checkSignedHeaders(signedHeaders, request: request, dateHeader: dateHeader)

        let found: SigV4Credential<Provider.Identity>?
        do {
            found = try await credentials.credential(for: credential.accessKeyID, sessionToken: sessionToken)
        } catch let error as SigV4Error {
            throw error
        } catch {
            // Fail closed: a lookup that cannot complete must not authenticate anyone.
            throw .credentialLookupFailed
        }
        guard let found else { throw .invalidSecurityToken }
        return HeadersChecked(
            parameters: parameters, accepted: accepted, amzDate: amzDate, signedHeaders: signedHeaders, credential: found,
            scope: scopes[accepted].scope
        )
    }

    /// Checks the signature over the headers and the body.
    public func finish<Identity>(
        _ checked: HeadersChecked<Identity>, _ request: SigV4Request, body: [UInt8]
    ) throws(SigV4Error) -> (identity: Identity, scope: Scope) {
        let payloadHash = SigV4.hexSHA256(body)
        if let claimed = request.firstValue(ofHeader: "x-amz-content-sha256"), Hex.isSHA256Digest(claimed),
            claimed.lowercased() != payloadHash
        {
            throw .invalid("The provided 'x-amz-content-sha256' header does not match what was computed.")
        }
        let credential = checked.parameters.credential
        let canonicalRequest = SigV4.canonicalRequestBytes(
            request, signedHeaders: checked.signedHeaders, payloadHash: payloadHash, normalizePath: true)
        let stringToSign = SigV4.stringToSign(
            canonicalRequestHash: SigV4.hexSHA256(canonicalRequest), amzDate: checked.amzDate.text, scope: credential.scope)
        let signingKey = scopes[checked.accepted].keyCache.signingKey(
            accessKeyID: credential.accessKeyID, secret: checked.credential.secretAccessKey, date: credential.date
        )
        let expected = SigV4.signature(signingKey: signingKey, stringToSign: stringToSign)
        guard constantTimeEquals(expected.utf8, checked.parameters.signature.utf8) else { throw .signatureMismatch }
        return (checked.credential.identity, checked.scope)
    }

    /// The service a request's credential scope names, without verifying
    /// anything: for choosing the error shape of a request that fails before
    /// its signature is checked. Nil without a parsable signature.
    public static func claimedService(of request: SigV4Request) -> String? {
        claimedCredential(of: request)?.service
    }

    /// The access key a request names, whether or not its signature verifies:
    /// for the record of a failed authentication.
    public static func claimedAccessKeyID(of request: SigV4Request) -> String? {
        claimedCredential(of: request)?.accessKeyID
    }

    private static func claimedCredential(of request: SigV4Request) -> CredentialScope? {
        let parameters: SignatureParameters?
        if let authorization = request.firstValue(ofHeader: "authorization") {
            parameters = try? AuthorizationHeader.parse(authorization)
        } else {
            parameters = try? PresignedQuery.parse(request.query)
        }
        return parameters?.credential
    }

    /// The request timestamp and, for header auth, the name of the header it came from.
    private func requestDate(
        _ request: SigV4Request, parameters: SignatureParameters
    ) throws(SigV4Error) -> (AmzDate, header: String?) {
        let text: String
        let header: String?
        if let queryDate = parameters.queryDate {
            (text, header) = (queryDate, nil)
        } else if let value = request.firstValue(ofHeader: "x-amz-date") {
            (text, header) = (value, "x-amz-date")
        } else if let value = request.firstValue(ofHeader: "date") {
            (text, header) = (value, "date")
        } else {
            throw .incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        // Header values may carry optional whitespace around them (RFC 9110 OWS).
        guard let date = AmzDate(String(Substring(text).trimmingSpaces)) else {
            throw .incomplete(
                "Date must be in ISO-8601 'basic format'. Got '\(text)'. See http://en.wikipedia.org/wiki/ISO_8601")
        }
        return (date, header)
    }

    private func checkTime(_ amzDate: AmzDate, source: SignatureParameters.Source, now: Date) throws(SigV4Error) {
        let age = now.timeIntervalSince(amzDate.date)
        let skewText =
            maxClockSkew.truncatingRemainder(dividingBy: 60) == 0
            ? "\(Int(maxClockSkew / 60)) min." : "\(Int(maxClockSkew)) sec."
        if age < -maxClockSkew {
            throw .invalid(
                "Signature not yet current: \(amzDate.text) is still later than "
                    + "\(AmzDate(now + maxClockSkew).text) (\(AmzDate(now).text) + \(skewText))")
        }
        switch source {
        case .header:
            if age > maxClockSkew {
                throw .invalid(
                    "Signature expired: \(amzDate.text) is now earlier than "
                        + "\(AmzDate(now - maxClockSkew).text) (\(AmzDate(now).text) - \(skewText))")
            }
        case .query(let expires):
            if age > TimeInterval(expires) {
                throw .invalid(
                    "Signature expired: \(amzDate.text) is now earlier than "
                        + "\(AmzDate(now - TimeInterval(expires)).text) (\(AmzDate(now).text) - \(expires) sec.)")
            }
        }
    }

    private func checkSignedHeaders(
        _ signedHeaders: [String], request: SigV4Request, dateHeader: String?
    ) throws(SigV4Error) {
        guard signedHeaders.contains("host") else {
            throw .incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
        }
        // The timestamp must be covered by the signature, or a captured request could be replayed forever.
        if let dateHeader, !signedHeaders.contains(dateHeader) {
            throw .incomplete(
                "'\(dateHeader == "date" ? "Date" : "X-Amz-Date")' must be a 'SignedHeader' in the AWS Authorization.")
        }
        for name in signedHeaders where request.firstValue(ofHeader: name) == nil {
            throw .invalid("The request does not include the signed header '\(name)'.")
        }
        guard rules.signedRequestHeaders else { return }
        // Every request passes here, so no header name is copied to compare it.
        for (name, _) in request.headers
        where asciiCaseInsensitiveHasPrefix(name, "x-amz-") || asciiCaseInsensitiveEquals(name, "content-type") {
            if !signedHeaders.contains(where: { asciiCaseInsensitiveEquals($0, name) }) {
                throw .incomplete("'\(name)' must be a 'SignedHeader' in the AWS Authorization.")
            }
        }
    }
}
