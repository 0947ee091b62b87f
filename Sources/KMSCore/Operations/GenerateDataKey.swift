public import KMSProtocol

public enum GenerateDataKey: KMSOperation {
    public static let name = OperationName.GenerateDataKey
    public static let action = KMSAction("kms:GenerateDataKey")
    public static let readOnly = true
    public static let keys: [KeySlot<GenerateDataKeyRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: true), action: action, access: .cryptographic, usages: [.encryptDecrypt],
                // Data keys come only from symmetric keys: the algorithm is SYMMETRIC_DEFAULT.
                algorithm: .encryption { _ in nil }, encryptionContext: \.EncryptionContext),
    ]

    public static func validate(_ request: GenerateDataKeyRequest) throws(KMSError) {
        _ = try DataKeySize.byteCount(keySpec: request.KeySpec, numberOfBytes: request.NumberOfBytes)
        try Validate.grantTokens(request.GrantTokens)
        try Validate.noRecipient(request.Recipient != nil)
    }

    public static func auditParameters(_ request: GenerateDataKeyRequest) -> AuditFields {
        DataKeySize.auditParameters(
            keyId: request.KeyId, context: request.EncryptionContext, keySpec: request.KeySpec,
            numberOfBytes: request.NumberOfBytes, dryRun: request.DryRun
        )
    }

    public static func perform(
        _ request: GenerateDataKeyRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<GenerateDataKeyResponse> {
        let key = keys[.key]
        let dataKey = try await context.environment.generateDataKey(
            keySpec: request.KeySpec, numberOfBytes: request.NumberOfBytes, context: request.EncryptionContext, under: key
        )
        return Outcome(GenerateDataKeyResponse(
            CiphertextBlob: dataKey.ciphertext, Plaintext: dataKey.plaintext, KeyId: key.arn, KeyMaterialId: key.currentKeyMaterialID
        ))
    }
}
