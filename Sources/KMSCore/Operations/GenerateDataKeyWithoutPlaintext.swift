public import KMSProtocol

public enum GenerateDataKeyWithoutPlaintext: KMSOperation {
    public static let name = OperationName.GenerateDataKeyWithoutPlaintext
    public static let action = KMSAction("kms:GenerateDataKeyWithoutPlaintext")
    public static let readOnly = true
    public static let keys: [KeySlot<GenerateDataKeyWithoutPlaintextRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: true), action: action, access: .cryptographic, usages: [.encryptDecrypt],
                // Data keys come only from symmetric keys: the algorithm is SYMMETRIC_DEFAULT.
                algorithm: .encryption { _ in nil }, encryptionContext: \.EncryptionContext),
    ]

    public static func validate(_ request: GenerateDataKeyWithoutPlaintextRequest) throws(KMSError) {
        _ = try DataKeySize.byteCount(keySpec: request.KeySpec, numberOfBytes: request.NumberOfBytes)
        try Validate.grantTokens(request.GrantTokens)
    }

    public static func auditParameters(_ request: GenerateDataKeyWithoutPlaintextRequest) -> AuditFields {
        DataKeySize.auditParameters(
            keyId: request.KeyId, context: request.EncryptionContext, keySpec: request.KeySpec,
            numberOfBytes: request.NumberOfBytes, dryRun: request.DryRun
        )
    }

    public static func perform(
        _ request: GenerateDataKeyWithoutPlaintextRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<GenerateDataKeyWithoutPlaintextResponse> {
        let key = keys[.key]
        let dataKey = try await context.environment.generateDataKey(
            keySpec: request.KeySpec, numberOfBytes: request.NumberOfBytes, context: request.EncryptionContext, under: key
        )
        return Outcome(GenerateDataKeyWithoutPlaintextResponse(
            CiphertextBlob: dataKey.ciphertext, KeyId: key.arn, KeyMaterialId: key.currentKeyMaterialID
        ))
    }
}
