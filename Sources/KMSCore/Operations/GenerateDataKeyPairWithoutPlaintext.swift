public import KMSProtocol

public enum GenerateDataKeyPairWithoutPlaintext: KMSOperation {
    public static let name = OperationName.GenerateDataKeyPairWithoutPlaintext
    public static let action = KMSAction("kms:GenerateDataKeyPairWithoutPlaintext")
    public static let readOnly = true
    public static let keys: [KeySlot<GenerateDataKeyPairWithoutPlaintextRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: true), action: action, access: .cryptographic, usages: [.encryptDecrypt],
                // The private key is sealed under a symmetric key only.
                algorithm: .encryption { _ in nil }, encryptionContext: \.EncryptionContext),
    ]

    public static func validate(_ request: GenerateDataKeyPairWithoutPlaintextRequest) throws(KMSError) {
        _ = try DataKeyPairs.spec(request.KeyPairSpec)
        try Validate.grantTokens(request.GrantTokens)
    }

    public static func conditions(_ request: GenerateDataKeyPairWithoutPlaintextRequest) -> [String: [String]] {
        ["kms:DataKeyPairSpec": [request.KeyPairSpec]]
    }

    public static func auditParameters(_ request: GenerateDataKeyPairWithoutPlaintextRequest) -> AuditFields {
        DataKeyPairs.auditParameters(keyId: request.KeyId, spec: request.KeyPairSpec, context: request.EncryptionContext, dryRun: request.DryRun)
    }

    public static func perform(
        _ request: GenerateDataKeyPairWithoutPlaintextRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<GenerateDataKeyPairWithoutPlaintextResponse> {
        let key = keys[.key]
        let pair = try await DataKeyPairs.generate(request.KeyPairSpec, context: request.EncryptionContext, under: key, in: context.environment)
        return Outcome(GenerateDataKeyPairWithoutPlaintextResponse(
            PrivateKeyCiphertextBlob: pair.sealed, PublicKey: pair.publicKey, KeyId: key.arn, KeyPairSpec: request.KeyPairSpec,
            KeyMaterialId: key.currentKeyMaterialID
        ))
    }
}
