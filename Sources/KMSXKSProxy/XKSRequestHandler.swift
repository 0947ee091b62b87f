import CPKCS11
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import KMSKeyStorePKCS11
import Logging
import NIOCore
import SigV4

/// Answers one XKS Proxy API request: the path, the method, SigV4, the body,
/// the key and its access rules, then the token; and records it in the audit
/// log before answering, whatever the outcome.
struct XKSRequestHandler: Sendable {
    /// Room for the spec's largest request (4300 bytes of plaintext and 8192 of AAD, in Base64, and 2048-character ARNs) and more.
    static let maximumBodySize = 64 << 10

    let configuration: XKSProxyConfiguration
    let keys: PKCS11LabelledKeys
    let audit: XKSAuditLog
    let verifier: SigV4Verifier
    let credentials: XKSCredentials
    let version: String
    let now: @Sendable () -> Date
    let logger: Logger

    init(configuration: XKSProxyConfiguration, keys: PKCS11LabelledKeys, audit: XKSAuditLog, version: String, logger: Logger) {
        self.configuration = configuration
        self.keys = keys
        self.audit = audit
        // Default skew is the spec's five minutes. KMS signs only host and x-amz-date, so no other header is demanded.
        verifier = SigV4Verifier(
            scopes: [SigV4Verifier.Scope(service: "kms-xks-proxy", region: configuration.region)], rules: .signatureOnly
        )
        credentials = XKSCredentials(secrets: configuration.credentials)
        self.version = version
        now = { Date() }
        self.logger = logger
    }

    func handle(_ request: Request) async -> Response {
        let time = now()
        var record = XKSAuditRecord(time: time)
        var response: Response
        do {
            response = try await respond(to: request, at: time, record: &record)
        } catch {
            record.outcome = "failure"
            record.errorName = error.name.rawValue
            response = Self.errorResponse(error)
        }
        record.httpStatus = response.status.code
        do {
            try await audit.append(record)
        } catch {
            // Fail closed: no answer, not even a ciphertext, without its record.
            logger.error("audit record not written; the request fails", metadata: ["error": "\(error)", "audit-log": "\(audit.path)"])
            return Self.errorResponse(XKSError(.internal, "The request could not be recorded in the audit log."))
        }
        return response
    }

    private func respond(to request: Request, at time: Date, record: inout XKSAuditRecord) async throws(XKSError) -> Response {
        let signed = SigV4Request(request.head)
        record.accessKeyId = SigV4Verifier.claimedAccessKeyID(of: signed)
        // The message does not name the configured prefix, which keeps tenants of one proxy apart.
        guard let route = XKSRoute(path: signed.path, prefix: configuration.uriPathPrefix) else {
            throw XKSError(.invalidURIPath, "The request was rejected because the specified URI path is not valid.")
        }
        record.operation = route.apiName
        if case .key(let id, _) = route { record.keyId = id }
        guard request.method == .post else {
            // The spec asks for 405 but names no error for it.
            record.outcome = "failure"
            record.errorName = XKSError.Name.validation.rawValue
            var response = Self.errorResponse(XKSError(.validation, "The XKS Proxy API takes POST requests only."))
            response.status = .methodNotAllowed
            response.headers[.allow] = "POST"
            return response
        }

        let body: [UInt8]
        do {
            // The headers first: a request that cannot authenticate costs no body buffer.
            let checked = try await verifier.begin(signed, now: time, credentials: credentials)
            body = try await Self.readBody(request)
            _ = try verifier.finish(checked, signed, body: body)
        } catch let error as SigV4Error {
            logger.notice("SigV4 authentication failed", metadata: ["reason": "\(error.message)", "access-key-id": "\(record.accessKeyId ?? "-")"])
            throw XKSError(.authenticationFailed, error.message)
        } catch let error as XKSError {
            throw error
        } catch {
            throw XKSError(.internal, "The request could not be authenticated.")
        }
        record.note(XKSRequestMetadata.lenient(body))

        switch route {
        case .health:
            // The spec excludes health from validation and authorization: its body is only logged.
            return try await health()
        case .key(let id, let operation):
            let parsed = try XKSKeyRequest.parse(operation, body: body)
            guard let key = configuration.keys[id] else {
                throw XKSError(.keyNotFound, "The request was rejected because the specified external key is not found.")
            }
            let principal = parsed.metadata.awsPrincipalArn ?? ""
            guard key.permits(principal: principal, operation: operation) else {
                logger.notice("access denied: no allow rule of the key matches", metadata: [
                    "key-id": "\(id)", "operation": "\(operation.rawValue)", "aws-principal-arn": "\(principal)",
                    "kms-request-id": "\(parsed.metadata.kmsRequestId ?? "-")",
                ])
                throw XKSError(.accessDenied, "The access rules of this key do not allow this principal to \(operation.rawValue).")
            }
            switch parsed {
            case .metadata:
                return try await metadata(key)
            case .encrypt(let request):
                try Self.requireEnabled(key)
                return try await encrypt(request, key: id)
            case .decrypt(let request):
                try Self.requireEnabled(key)
                return try await decrypt(request, key: id)
            }
        }
    }

    private func health() async throws(XKSError) -> Response {
        do {
            try await keys.pool.withSession { session throws(PKCS11Error) in try session.checkLoggedIn() }
        } catch {
            logger.error("health check: the token cannot be reached", metadata: ["error": "\(error)"])
            throw XKSError(.internal, "The HSM cannot be reached.")
        }
        let token = keys.pool.token
        return Self.json(XKSHealthResponse(
            xksProxyModel: "Trent XKS Proxy \(version)", ekmVendor: token.manufacturer,
            ekmFleetDetails: [.init(id: token.serialNumber, model: token.model, healthStatus: "ACTIVE")]
        ))
    }

    private func metadata(_ key: XKSKeyPolicy) async throws(XKSError) -> Response {
        // KMS's CreateKey relies on this to learn that the key exists.
        let exists: Bool
        do {
            exists = try await keys.exists(label: key.id)
        } catch {
            throw tokenFailure(error, key: key.id, decrypting: false)
        }
        guard exists else { throw tokenFailure(.keyNotFound(label: key.id), key: key.id, decrypting: false) }
        return Self.json(XKSKeyMetadataResponse(keyStatus: key.disabled ? "DISABLED" : "ENABLED"))
    }

    private func encrypt(_ request: XKSKeyRequest.Encrypt, key id: String) async throws(XKSError) -> Response {
        var generator = SystemRandomNumberGenerator()
        let iv = (0..<12).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let aad = request.additionalAuthenticatedData ?? []
        let sealed: [UInt8]
        do {
            sealed = try await keys.seal(request.plaintext, key: id, nonce: iv, aad: aad)
        } catch {
            throw tokenFailure(error, key: id, decrypting: false)
        }
        let ciphertext = Array(sealed.dropLast(16))
        let tag = Array(sealed.suffix(16))
        var integrityValue: String?
        if request.wantsIntegrityValue {
            // Appendix C: the value first, then a decryption of exactly what is answered, so that
            // a corruption of the answer after the hash cannot pass unseen.
            integrityValue = Self.integrityValue(aad: request.additionalAuthenticatedData, iv: iv, ciphertext: ciphertext, tag: tag)
            let reopened = try? await keys.open(ciphertext + tag, key: id, nonce: iv, aad: aad)
            guard reopened == request.plaintext else {
                logger.error("encrypt: the new ciphertext did not decrypt to its plaintext", metadata: ["key-id": "\(id)"])
                throw XKSError(.internal, "The ciphertext failed its integrity check; retry the request.")
            }
        }
        return Self.json(XKSEncryptResponse(
            ciphertext: Data(ciphertext).base64EncodedString(), initializationVector: Data(iv).base64EncodedString(),
            authenticationTag: Data(tag).base64EncodedString(), ciphertextDataIntegrityValue: integrityValue
        ))
    }

    private func decrypt(_ request: XKSKeyRequest.Decrypt, key id: String) async throws(XKSError) -> Response {
        // This proxy writes neither ciphertext metadata nor 16-byte IVs, so a ciphertext with either is not one of its own.
        guard request.ciphertextMetadata == nil, request.initializationVector.count == 12 else { throw .invalidCiphertext }
        let plaintext: [UInt8]
        do {
            plaintext = try await keys.open(
                request.ciphertext + request.authenticationTag, key: id, nonce: request.initializationVector,
                aad: request.additionalAuthenticatedData ?? []
            )
        } catch {
            throw tokenFailure(error, key: id, decrypting: true)
        }
        return Self.json(XKSDecryptResponse(plaintext: Data(plaintext).base64EncodedString()))
    }

    /// The spec's ciphertextDataIntegrityValue: SHA-256 over AAD (if given) ‖ IV ‖ ciphertext ‖ tag, with no ciphertext metadata here.
    static func integrityValue(aad: [UInt8]?, iv: [UInt8], ciphertext: [UInt8], tag: [UInt8]) -> String {
        var hash = SHA256()
        if let aad { hash.update(data: aad) }
        hash.update(data: iv)
        hash.update(data: ciphertext)
        hash.update(data: tag)
        return Data(hash.finalize()).base64EncodedString()
    }

    private static func requireEnabled(_ key: XKSKeyPolicy) throws(XKSError) {
        guard !key.disabled else {
            throw XKSError(.invalidState, "The request was rejected because the specified external key is disabled.")
        }
    }

    /// The spec's error for a PKCS #11 failure; the detail goes to the log only.
    private func tokenFailure(_ error: PKCS11Error, key id: String, decrypting: Bool) -> XKSError {
        if decrypting && error.isTagMismatch { return .invalidCiphertext }
        if case .keyNotFound = error {
            logger.warning("the token holds no key with a configured label", metadata: ["key-id": "\(id)"])
            return XKSError(.keyNotFound, "The request was rejected because the specified external key is not found.")
        }
        if let rv = error.returnValue, rv == CK_RV(CKR_KEY_TYPE_INCONSISTENT) || rv == CK_RV(CKR_KEY_FUNCTION_NOT_PERMITTED) {
            return XKSError(.invalidKeyUsage, "The request was rejected because the specified key does not support the requested operation.")
        }
        logger.error("PKCS #11 failure", metadata: ["key-id": "\(id)", "error": "\(error)"])
        return XKSError(.internal, "The HSM could not perform the operation.")
    }

    private static func readBody(_ request: Request) async throws(XKSError) -> [UInt8] {
        var request = request
        do {
            return Array(try await request.collectBody(upTo: maximumBodySize).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw XKSError(.unsupportedOperation, "The request body exceeds \(maximumBodySize) bytes.")
        } catch {
            throw XKSError.validation("The request body could not be read.")
        }
    }


    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func errorResponse(_ error: XKSError) -> Response {
        json(XKSErrorResponse(errorName: error.name.rawValue, errorMessage: error.wireMessage), status: HTTPResponse.Status(code: error.name.httpStatus))
    }
}

/// The configured access keys; each signature names one.
struct XKSCredentials: SigV4CredentialProvider {
    let secrets: [String: String]

    func credential(for accessKeyID: String, sessionToken: String?) async throws -> SigV4Credential<String>? {
        // KMS signs with a long-term secret: a session token means someone else.
        guard sessionToken == nil, let secret = secrets[accessKeyID] else { return nil }
        return SigV4Credential(secretAccessKey: secret, identity: accessKeyID)
    }
}
