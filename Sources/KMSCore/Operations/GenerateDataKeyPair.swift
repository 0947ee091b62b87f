import Foundation
import KMSCrypto
public import KMSProtocol

public enum GenerateDataKeyPair: KMSOperation {
    public static let name = OperationName.GenerateDataKeyPair
    public static let action = KMSAction("kms:GenerateDataKeyPair")
    public static let readOnly = true
    public static let keys: [KeySlot<GenerateDataKeyPairRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: true), action: action, access: .cryptographic, usages: [.encryptDecrypt],
                // The private key is sealed under a symmetric key only.
                algorithm: .encryption { _ in nil }, encryptionContext: \.EncryptionContext),
    ]

    public static func validate(_ request: GenerateDataKeyPairRequest) throws(KMSError) {
        _ = try DataKeyPairs.spec(request.KeyPairSpec)
        try Validate.grantTokens(request.GrantTokens)
        try Validate.noRecipient(request.Recipient != nil)
    }

    public static func conditions(_ request: GenerateDataKeyPairRequest) -> [String: [String]] {
        ["kms:DataKeyPairSpec": [request.KeyPairSpec]]
    }

    public static func auditParameters(_ request: GenerateDataKeyPairRequest) -> AuditFields {
        DataKeyPairs.auditParameters(keyId: request.KeyId, spec: request.KeyPairSpec, context: request.EncryptionContext, dryRun: request.DryRun)
    }

    public static func perform(
        _ request: GenerateDataKeyPairRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<GenerateDataKeyPairResponse> {
        let key = keys[.key]
        let pair = try await DataKeyPairs.generate(request.KeyPairSpec, context: request.EncryptionContext, under: key, in: context.environment)
        return Outcome(GenerateDataKeyPairResponse(
            PrivateKeyCiphertextBlob: pair.sealed, PrivateKeyPlaintext: pair.privateKey, PublicKey: pair.publicKey,
            KeyId: key.arn, KeyPairSpec: request.KeyPairSpec, KeyMaterialId: key.currentKeyMaterialID
        ))
    }
}

/// What GenerateDataKeyPair and its WithoutPlaintext twin share.
enum DataKeyPairs {
    static let specs = [
        "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SM2", "ECC_NIST_EDWARDS25519",
    ]

    static func spec(_ raw: String) throws(KMSError) -> KeySpec {
        try Validate.enumeration(raw, field: "keyPairSpec", allowed: specs)
        guard let spec = KeySpec(rawValue: raw) else { throw KMSError.unsupported("KeyPairSpec \(raw) is not supported by Trent yet.") }
        return spec
    }

    /// CloudTrail records the key, the pair's spec and the context, never either half of the pair.
    static func auditParameters(keyId: String, spec: String, context: [String: String]?, dryRun: Bool?) -> AuditFields {
        [
            "keyId": .string(keyId),
            "keyPairSpec": .string(spec),
            "encryptionContext": context.map(AuditValue.init),
            "dryRun": dryRun.map(AuditValue.bool),
        ]
    }

    /// A fresh pair, its private key also sealed under `key` with the encryption context.
    static func generate(
        _ raw: String, context: [String: String]?, under key: ResolvedKey, in environment: ServiceEnvironment
    ) async throws(KMSError) -> (privateKey: Data, publicKey: Data, sealed: Data) {
        let generated: (privateKey: Data, publicKey: Data)?
        do {
            generated = try DataKeyPair.generate(try spec(raw))
        } catch let error as KMSError {
            throw error
        } catch {
            throw KMSError.internalFailure(error)
        }
        guard let generated else { throw KMSError.unsupported("KeyPairSpec \(raw) is not supported by Trent yet.") }
        let sealed = try await environment.encrypt(generated.privateKey, under: key, context: context ?? [:], algorithm: nil)
        return (generated.privateKey, generated.publicKey, sealed)
    }
}
