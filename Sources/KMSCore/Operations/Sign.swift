import Foundation
public import KMSProtocol

public enum Sign: KMSOperation {
    public static let name = OperationName.Sign
    public static let action = KMSAction("kms:Sign")
    public static let readOnly = true
    public static let keys: [KeySlot<SignRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: true), action: action, access: .cryptographic,
                usages: [.signVerify], algorithm: .signing(\.SigningAlgorithm)),
    ]

    public static func validate(_ request: SignRequest) throws(KMSError) {
        try Validate.byteCount(request.Message, field: "message", in: 1...4096)
        try SigningMessage.validate(request.MessageType, algorithm: request.SigningAlgorithm, message: request.Message)
        try Validate.grantTokens(request.GrantTokens)
    }

    public static func conditions(_ request: SignRequest) -> [String: [String]] {
        ["kms:SigningAlgorithm": [request.SigningAlgorithm], "kms:MessageType": [request.MessageType ?? "RAW"]]
    }

    /// CloudTrail records the key, algorithm and message type, never the message or the signature.
    public static func auditParameters(_ request: SignRequest) -> AuditFields {
        [
            "keyId": .string(request.KeyId),
            "messageType": .string(request.MessageType ?? "RAW"),
            "signingAlgorithm": .string(request.SigningAlgorithm),
            "dryRun": request.DryRun.map(AuditValue.bool),
        ]
    }

    public static func perform(_ request: SignRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<SignResponse> {
        let key = keys[.key]
        let isDigest = SigningMessage.isDigest(request.MessageType)
        let signature = try await context.environment.sign(request.Message, isDigest: isDigest, algorithm: request.SigningAlgorithm, under: key)
        return Outcome(SignResponse(KeyId: key.arn, Signature: signature, SigningAlgorithm: request.SigningAlgorithm))
    }
}

/// The checks Sign and Verify share on `MessageType` and the algorithm's name.
enum SigningMessage {
    static let algorithms = [
        "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384",
        "RSASSA_PKCS1_V1_5_SHA_512", "ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512", "SM2DSA", "ML_DSA_SHAKE_256",
        "ED25519_SHA_512", "ED25519_PH_SHA_512",
    ]
    static let digestByteCounts = [
        "ECDSA_SHA_256": 32, "ECDSA_SHA_384": 48, "ECDSA_SHA_512": 64,
        "RSASSA_PSS_SHA_256": 32, "RSASSA_PSS_SHA_384": 48, "RSASSA_PSS_SHA_512": 64,
        "RSASSA_PKCS1_V1_5_SHA_256": 32, "RSASSA_PKCS1_V1_5_SHA_384": 48, "RSASSA_PKCS1_V1_5_SHA_512": 64,
        "ED25519_PH_SHA_512": 64,
    ]

    /// Whether the message is a digest (for Ed25519 keys: whether the algorithm is ED25519_PH_SHA_512).
    static func isDigest(_ messageType: String?) -> Bool {
        messageType == "DIGEST"
    }

    static func validate(_ messageType: String?, algorithm: String, message: Data) throws(KMSError) {
        try Validate.enumeration(algorithm, field: "signingAlgorithm", allowed: algorithms)
        switch messageType ?? "RAW" {
        case "RAW" where algorithm == "ED25519_PH_SHA_512":
            throw KMSError.validation("The ED25519_PH_SHA_512 signing algorithm requires MessageType DIGEST.")
        case "RAW":
            break
        case "DIGEST" where algorithm == "ED25519_SHA_512":
            throw KMSError.validation("The ED25519_SHA_512 signing algorithm requires MessageType RAW.")
        case "DIGEST" where algorithm == "ML_DSA_SHAKE_256":
            throw KMSError.validation("The ML_DSA_SHAKE_256 signing algorithm takes MessageType RAW or EXTERNAL_MU.")
        case "EXTERNAL_MU" where algorithm == "ML_DSA_SHAKE_256":
            // swift-crypto's ML-DSA computes μ itself and takes no external one.
            throw KMSError.unsupported("MessageType EXTERNAL_MU is not supported by Trent yet; send the message (RAW).")
        case "DIGEST":
            // A digest must be exactly as long as the algorithm's hash.
            if let count = digestByteCounts[algorithm], message.count != count {
                throw KMSError.validation("Digest is invalid length for algorithm \(algorithm).")
            }
        case "EXTERNAL_MU":
            throw KMSError(.invalidKeyUsage, "MessageType EXTERNAL_MU is only valid for ML-DSA keys.")
        case let other:
            throw Validate.notInEnumeration(other, field: "messageType", allowed: ["RAW", "DIGEST", "EXTERNAL_MU"])
        }
    }
}
