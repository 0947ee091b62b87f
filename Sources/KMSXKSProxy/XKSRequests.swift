import Foundation

/// The spec's requestMetadata. Every field is optional here so that one
/// missing field is answered as ValidationException, not as a decoding failure;
/// fields the spec may add later are ignored.
public struct XKSRequestMetadata: Decodable, Sendable, Equatable {
    public var awsPrincipalArn: String?
    public var awsSourceVpc: String?
    public var awsSourceVpce: String?
    public var kmsKeyArn: String?
    public var kmsOperation: String?
    public var kmsRequestId: String?
    public var kmsViaService: String?

    /// What can be read of a body's requestMetadata, for the audit log of a request that fails.
    public static func lenient(_ body: [UInt8]) -> XKSRequestMetadata? {
        struct Envelope: Decodable { var requestMetadata: XKSRequestMetadata? }
        return (try? JSONDecoder().decode(Envelope.self, from: Data(body)))?.requestMetadata
    }
}

/// A request to GetKeyMetadata, Encrypt or Decrypt, checked against the spec.
public enum XKSKeyRequest: Sendable, Equatable {
    case metadata(XKSRequestMetadata)
    case encrypt(Encrypt)
    case decrypt(Decrypt)

    public struct Encrypt: Sendable, Equatable {
        public var metadata: XKSRequestMetadata
        public var plaintext: [UInt8]
        /// Absent and empty differ in the integrity value only: absent adds nothing to it.
        public var additionalAuthenticatedData: [UInt8]?
        /// `ciphertextDataIntegrityValueAlgorithm: SHA_256` was asked for.
        public var wantsIntegrityValue: Bool
    }

    public struct Decrypt: Sendable, Equatable {
        public var metadata: XKSRequestMetadata
        public var ciphertext: [UInt8]
        public var ciphertextMetadata: [UInt8]?
        public var initializationVector: [UInt8]
        public var authenticationTag: [UInt8]
        public var additionalAuthenticatedData: [UInt8]?
    }

    public var metadata: XKSRequestMetadata {
        switch self {
        case .metadata(let metadata): metadata
        case .encrypt(let request): request.metadata
        case .decrypt(let request): request.metadata
        }
    }

    /// The body as JSON; ValidationException for anything the spec does not allow.
    public static func parse(_ operation: XKSKeyOperation, body: [UInt8]) throws(XKSError) -> XKSKeyRequest {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(body))
        } catch {
            throw .validation("The request body is not a JSON object of the shape the XKS Proxy API specifies.")
        }
        guard let metadata = wire.requestMetadata else { throw .validation("requestMetadata is required.") }
        guard metadata.awsPrincipalArn != nil else { throw .validation("requestMetadata.awsPrincipalArn is required.") }
        guard metadata.kmsOperation != nil else { throw .validation("requestMetadata.kmsOperation is required.") }
        guard metadata.kmsRequestId != nil else { throw .validation("requestMetadata.kmsRequestId is required.") }
        if operation == .metadata { return .metadata(metadata) }

        guard metadata.kmsKeyArn != nil else { throw .validation("requestMetadata.kmsKeyArn is required.") }
        guard let algorithm = wire.encryptionAlgorithm else { throw .validation("encryptionAlgorithm is required.") }
        guard algorithm == "AES_GCM" else { throw .validation("encryptionAlgorithm must be AES_GCM.") }
        let aad = try wire.additionalAuthenticatedData.map { (text) throws(XKSError) in try base64("additionalAuthenticatedData", text) }

        switch operation {
        case .metadata:
            return .metadata(metadata)
        case .encrypt:
            guard let plaintext = wire.plaintext else { throw .validation("plaintext is required.") }
            if let integrity = wire.ciphertextDataIntegrityValueAlgorithm, integrity != "SHA_256" {
                throw .validation("ciphertextDataIntegrityValueAlgorithm must be SHA_256.")
            }
            return .encrypt(Encrypt(
                metadata: metadata, plaintext: try base64("plaintext", plaintext), additionalAuthenticatedData: aad,
                wantsIntegrityValue: wire.ciphertextDataIntegrityValueAlgorithm != nil
            ))
        case .decrypt:
            guard let ciphertext = wire.ciphertext else { throw .validation("ciphertext is required.") }
            guard let iv = wire.initializationVector else { throw .validation("initializationVector is required.") }
            guard let tag = wire.authenticationTag else { throw .validation("authenticationTag is required.") }
            let request = Decrypt(
                metadata: metadata, ciphertext: try base64("ciphertext", ciphertext),
                ciphertextMetadata: try wire.ciphertextMetadata.map { (text) throws(XKSError) in try base64("ciphertextMetadata", text) },
                initializationVector: try base64("initializationVector", iv), authenticationTag: try base64("authenticationTag", tag),
                additionalAuthenticatedData: aad
            )
            guard [12, 16].contains(request.initializationVector.count) else { throw .validation("initializationVector must be 12 or 16 bytes.") }
            guard request.authenticationTag.count == 16 else { throw .validation("authenticationTag must be 16 bytes.") }
            guard (request.ciphertextMetadata?.count ?? 0) <= 20 else { throw .validation("ciphertextMetadata must be at most 20 bytes.") }
            return .decrypt(request)
        }
    }

    private static func base64(_ field: String, _ text: String) throws(XKSError) -> [UInt8] {
        guard let data = Data(base64Encoded: text) else { throw .validation("\(field) is not valid Base64.") }
        return Array(data)
    }

    /// Every field the three requests may carry.
    private struct Wire: Decodable {
        var requestMetadata: XKSRequestMetadata?
        var plaintext: String?
        var encryptionAlgorithm: String?
        var additionalAuthenticatedData: String?
        var ciphertextDataIntegrityValueAlgorithm: String?
        var ciphertext: String?
        var ciphertextMetadata: String?
        var initializationVector: String?
        var authenticationTag: String?
    }
}

/// The responses, with the spec's field names.
struct XKSKeyMetadataResponse: Encodable {
    var keySpec = "AES_256"
    var keyUsage = ["ENCRYPT", "DECRYPT"]
    var keyStatus: String
}

struct XKSEncryptResponse: Encodable {
    var ciphertext: String
    var initializationVector: String
    var authenticationTag: String
    var ciphertextDataIntegrityValue: String?
}

struct XKSDecryptResponse: Encodable {
    var plaintext: String
}

struct XKSHealthResponse: Encodable {
    struct HSM: Encodable {
        var id: String
        var model: String
        var healthStatus: String
    }

    var xksProxyFleetSize = 1
    var xksProxyVendor = "Trent"
    var xksProxyModel: String
    var ekmVendor: String
    var ekmFleetDetails: [HSM]
}

struct XKSErrorResponse: Encodable {
    var errorName: String
    var errorMessage: String
}
