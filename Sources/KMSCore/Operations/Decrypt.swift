public import KMSProtocol

public enum Decrypt: KMSOperation {
    public static let name = OperationName.Decrypt
    public static let action = KMSAction("kms:Decrypt")
    public static let readOnly = true
    public static let keys: [KeySlot<DecryptRequest>] = [
        KeySlot(.ciphertext(\.CiphertextBlob, keyHint: \.KeyId), action: action, access: .cryptographic,
                usages: [.encryptDecrypt], algorithm: .encryption(\.EncryptionAlgorithm), encryptionContext: \.EncryptionContext),
    ]

    public static func validate(_ request: DecryptRequest) throws(KMSError) {
        try Validate.byteCount(request.CiphertextBlob, field: "ciphertextBlob", in: 1...6144)
        try Validate.grantTokens(request.GrantTokens)
        try Validate.noRecipient(request.Recipient != nil)
        try Validate.encryptionAlgorithm(request.EncryptionAlgorithm, field: "encryptionAlgorithm")
    }

    public static func auditParameters(_ request: DecryptRequest) -> AuditFields {
        [
            "keyId": request.KeyId.map(AuditValue.string),
            "encryptionContext": request.EncryptionContext.map(AuditValue.init),
            "encryptionAlgorithm": .string(request.EncryptionAlgorithm ?? "SYMMETRIC_DEFAULT"),
            "dryRun": request.DryRun.map(AuditValue.bool),
        ]
    }

    public static func perform(_ request: DecryptRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<DecryptResponse> {
        let key = keys[.key]
        let plaintext = try await context.environment.decrypt(
            request.CiphertextBlob, under: key, context: request.EncryptionContext ?? [:], algorithm: request.EncryptionAlgorithm
        )
        // The full ARN, not the bare ID: the AWS Encryption SDK matches on it.
        return Outcome(DecryptResponse(
            KeyId: key.arn, Plaintext: plaintext, EncryptionAlgorithm: request.EncryptionAlgorithm ?? "SYMMETRIC_DEFAULT",
            KeyMaterialId: key.ciphertextKeyMaterialID ?? key.currentKeyMaterialID
        ))
    }
}
