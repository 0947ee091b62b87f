import AsyncHTTPClient
import Foundation
import KMSCore
import NIOCore
import NIOHTTP1
import NIOSSL
import SigV4

/// Calls one external key store proxy as the XKS Proxy API v1 specifies:
/// JSON over POST, SigV4 with service `kms-xks-proxy`, each call within the
/// 250 ms that AWS KMS allows.
struct HTTPXKSProxyClient: XKSProxyClient {
    static let budget = TimeAmount.milliseconds(250)

    let http: HTTPClient
    let endpoint: XKSProxyEndpoint
    let signer: SigV4Signer

    init(http: HTTPClient, endpoint: XKSProxyEndpoint, region: String) {
        self.http = http
        self.endpoint = endpoint
        signer = SigV4Signer(
            credentials: SigV4Credentials(accessKeyID: endpoint.accessKeyID, secretAccessKey: endpoint.secretAccessKey),
            region: region, service: "kms-xks-proxy"
        )
    }

    func health(_ metadata: XKSRequestMetadata) async throws(XKSProxyFailure) {
        let answer: HealthResponse = try await call("/health", HealthRequest(requestMetadata: .init(metadata)))
        // As AWS: a proxy whose every HSM is unavailable cannot serve.
        guard answer.ekmFleetDetails.contains(where: { $0.healthStatus != "UNAVAILABLE" }) else {
            throw .proxyError(errorName: "UNAVAILABLE", message: "every external key manager instance is unavailable")
        }
    }

    func keyMetadata(of keyID: String, _ metadata: XKSRequestMetadata) async throws(XKSProxyFailure) -> XKSKeyMetadata {
        let answer: KeyMetadataResponse = try await call(Self.keyPath(keyID, "metadata"), MetadataRequest(requestMetadata: .init(metadata)))
        return XKSKeyMetadata(keySpec: answer.keySpec, keyUsage: answer.keyUsage, keyStatus: answer.keyStatus)
    }

    func encrypt(_ plaintext: [UInt8], key keyID: String, aad: [UInt8], _ metadata: XKSRequestMetadata) async throws(XKSProxyFailure) -> XKSCiphertext {
        let answer: EncryptResponse = try await call(Self.keyPath(keyID, "encrypt"), EncryptRequest(
            requestMetadata: .init(metadata), additionalAuthenticatedData: Data(aad).base64EncodedString(),
            plaintext: Data(plaintext).base64EncodedString(), encryptionAlgorithm: "AES_GCM"
        ))
        guard let ciphertext = Data(base64Encoded: answer.ciphertext), let iv = Data(base64Encoded: answer.initializationVector),
              let tag = Data(base64Encoded: answer.authenticationTag), ciphertext.count == plaintext.count, tag.count == 16,
              iv.count == 12 || iv.count == 16
        else { throw .invalidResponse("the Encrypt response's ciphertext, initializationVector or authenticationTag is malformed") }
        var metadataBytes: [UInt8]?
        if let encoded = answer.ciphertextMetadata {
            guard let decoded = Data(base64Encoded: encoded), decoded.count <= 20 else {
                throw .invalidResponse("the Encrypt response's ciphertextMetadata is malformed or longer than 20 bytes")
            }
            metadataBytes = Array(decoded)
        }
        return XKSCiphertext(ciphertext: Array(ciphertext), initializationVector: Array(iv), authenticationTag: Array(tag), ciphertextMetadata: metadataBytes)
    }

    func decrypt(_ ciphertext: XKSCiphertext, key keyID: String, aad: [UInt8], _ metadata: XKSRequestMetadata) async throws(XKSProxyFailure) -> [UInt8] {
        let answer: DecryptResponse = try await call(Self.keyPath(keyID, "decrypt"), DecryptRequest(
            requestMetadata: .init(metadata), additionalAuthenticatedData: Data(aad).base64EncodedString(), encryptionAlgorithm: "AES_GCM",
            ciphertext: Data(ciphertext.ciphertext).base64EncodedString(),
            ciphertextMetadata: ciphertext.ciphertextMetadata.map { Data($0).base64EncodedString() },
            initializationVector: Data(ciphertext.initializationVector).base64EncodedString(),
            authenticationTag: Data(ciphertext.authenticationTag).base64EncodedString()
        ))
        guard let plaintext = Data(base64Encoded: answer.plaintext), plaintext.count == ciphertext.ciphertext.count else {
            throw .invalidResponse("the Decrypt response's plaintext is malformed")
        }
        return Array(plaintext)
    }

    /// The shared HTTP client outlives every proxy client.
    func close() async {}

    private static func keyPath(_ keyID: String, _ operation: String) -> String {
        "/keys/\(keyID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? keyID)/\(operation)"
    }

    private func call<Body: Encodable, Answer: Decodable>(_ suffix: String, _ body: Body) async throws(XKSProxyFailure) -> Answer {
        let bytes: [UInt8]
        do {
            bytes = Array(try JSONEncoder().encode(body))
        } catch {
            throw .invalidResponse("the request could not be encoded: \(error)")
        }
        let path = endpoint.uriPath + suffix
        guard let url = URL(string: endpoint.uriEndpoint), let host = url.host else { throw .unreachable("\(endpoint.uriEndpoint) names no host") }
        let authority = url.port.map { "\(host):\($0)" } ?? host
        let signed = signer.sign(
            SigV4Request(method: "POST", path: path, query: "", headers: [("Host", authority), ("Content-Type", "application/json")]),
            body: bytes, date: Date()
        )
        var request = HTTPClientRequest(url: endpoint.uriEndpoint + path)
        request.method = .POST
        for header in signed.headers { request.headers.replaceOrAdd(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: bytes))
        let response: HTTPClientResponse
        let answer: ByteBuffer
        do {
            response = try await http.execute(request, timeout: Self.budget)
            answer = try await response.body.collect(upTo: 64 * 1024)
        } catch {
            throw Self.transportFailure(error)
        }
        let data = Data(answer.readableBytesView)
        guard response.status == .ok else {
            let failure = try? JSONDecoder().decode(ErrorResponse.self, from: data)
            let name = failure?.errorName ?? "HTTP \(response.status.code)"
            let message = failure?.errorMessage ?? ""
            switch response.status {
            case .unauthorized, .forbidden: throw .rejected(errorName: name, message: message)
            default:
                guard failure != nil else { throw .invalidResponse("HTTP \(response.status.code) without the spec's error body") }
                throw .proxyError(errorName: name, message: message)
            }
        }
        do {
            return try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw .invalidResponse("the response is not the spec's JSON: \(error)")
        }
    }

    private static func transportFailure(_ error: any Error) -> XKSProxyFailure {
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .connectTimeout || error == .readTimeout {
            return .timedOut
        }
        if error is NIOSSLError || error is BoringSSLError { return .tls(String(describing: error)) }
        return .unreachable(String(describing: error))
    }
}

// The spec's wire shapes.

private struct RequestMetadata: Codable {
    var awsPrincipalArn: String?
    var kmsKeyArn: String?
    var kmsOperation: String
    var kmsRequestId: String

    init(_ metadata: XKSRequestMetadata) {
        awsPrincipalArn = metadata.awsPrincipalArn
        kmsKeyArn = metadata.kmsKeyArn
        kmsOperation = metadata.kmsOperation
        kmsRequestId = metadata.kmsRequestId
    }
}

private struct HealthRequest: Encodable { var requestMetadata: RequestMetadata }
private struct MetadataRequest: Encodable { var requestMetadata: RequestMetadata }

private struct HealthResponse: Decodable {
    struct EKM: Decodable {
        var id: String
        var healthStatus: String
    }
    var ekmFleetDetails: [EKM]
}

private struct KeyMetadataResponse: Decodable {
    var keySpec: String
    var keyUsage: [String]
    var keyStatus: String
}

private struct EncryptRequest: Encodable {
    var requestMetadata: RequestMetadata
    var additionalAuthenticatedData: String
    var plaintext: String
    var encryptionAlgorithm: String
}

private struct EncryptResponse: Decodable {
    var ciphertext: String
    var ciphertextMetadata: String?
    var initializationVector: String
    var authenticationTag: String
}

private struct DecryptRequest: Encodable {
    var requestMetadata: RequestMetadata
    var additionalAuthenticatedData: String
    var encryptionAlgorithm: String
    var ciphertext: String
    var ciphertextMetadata: String?
    var initializationVector: String
    var authenticationTag: String
}

private struct DecryptResponse: Decodable { var plaintext: String }

private struct ErrorResponse: Decodable {
    var errorName: String
    var errorMessage: String?
}
