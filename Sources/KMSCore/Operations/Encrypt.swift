public import KMSProtocol

public enum Encrypt: KMSOperation {
    public static let name = OperationName.Encrypt
    public static let action = KMSAction("kms:Encrypt")
    public static let readOnly = true
    public static let keys: [KeySlot<EncryptRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: true), action: action, access: .cryptographic,
                usages: [.encryptDecrypt], algorithm: .encryption(\.EncryptionAlgorithm), encryptionContext: \.EncryptionContext),
    ]

    public static func validate(_ request: EncryptRequest) throws(KMSError) {
        try Validate.byteCount(request.Plaintext, field: "plaintext", in: 1...4096)
        try Validate.grantTokens(request.GrantTokens)
        try Validate.encryptionAlgorithm(request.EncryptionAlgorithm, field: "encryptionAlgorithm")
    }

    public static func auditParameters(_ request: EncryptRequest) -> AuditFields {
        [
            "keyId": .string(request.KeyId),
            "encryptionContext": request.EncryptionContext.map(AuditValue.init),
            "encryptionAlgorithm": .string(request.EncryptionAlgorithm ?? "SYMMETRIC_DEFAULT"),
            "dryRun": request.DryRun.map(AuditValue.bool),
        ]
    }

    public static func perform(_ request: EncryptRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<EncryptResponse> {
        let key = keys[.key]
        let ciphertext = try await context.environment.encrypt(
            request.Plaintext, under: key, context: request.EncryptionContext ?? [:], algorithm: request.EncryptionAlgorithm
        )
        return Outcome(EncryptResponse(CiphertextBlob: ciphertext, KeyId: key.arn, EncryptionAlgorithm: request.EncryptionAlgorithm ?? "SYMMETRIC_DEFAULT"))
    }
}
