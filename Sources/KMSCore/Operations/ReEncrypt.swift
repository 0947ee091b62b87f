public import KMSProtocol

public enum ReEncrypt: KMSOperation {
    public static let name = OperationName.ReEncrypt
    public static let action = KMSAction("kms:ReEncrypt")
    public static let readOnly = true
    public static let keys: [KeySlot<ReEncryptRequest>] = [
        KeySlot(.field(\.DestinationKeyId, name: "destinationKeyId", aliases: true), role: .destination,
                action: KMSAction("kms:ReEncryptTo"), access: .cryptographic, usages: [.encryptDecrypt],
                algorithm: .encryption(\.DestinationEncryptionAlgorithm), encryptionContext: \.DestinationEncryptionContext),
        KeySlot(.ciphertext(\.CiphertextBlob, keyHint: \.SourceKeyId), role: .source,
                action: KMSAction("kms:ReEncryptFrom"), access: .cryptographic, usages: [.encryptDecrypt],
                algorithm: .encryption(\.SourceEncryptionAlgorithm), encryptionContext: \.SourceEncryptionContext),
    ]

    public static func validate(_ request: ReEncryptRequest) throws(KMSError) {
        try Validate.byteCount(request.CiphertextBlob, field: "ciphertextBlob", in: 1...6144)
        try Validate.grantTokens(request.GrantTokens)
        try Validate.encryptionAlgorithm(request.SourceEncryptionAlgorithm, field: "sourceEncryptionAlgorithm")
        try Validate.encryptionAlgorithm(request.DestinationEncryptionAlgorithm, field: "destinationEncryptionAlgorithm")
    }

    public static func auditParameters(_ request: ReEncryptRequest) -> AuditFields {
        [
            "sourceKeyId": request.SourceKeyId.map(AuditValue.string),
            "destinationKeyId": .string(request.DestinationKeyId),
            "sourceEncryptionContext": request.SourceEncryptionContext.map(AuditValue.init),
            "destinationEncryptionContext": request.DestinationEncryptionContext.map(AuditValue.init),
            "sourceEncryptionAlgorithm": .string(request.SourceEncryptionAlgorithm ?? "SYMMETRIC_DEFAULT"),
            "destinationEncryptionAlgorithm": .string(request.DestinationEncryptionAlgorithm ?? "SYMMETRIC_DEFAULT"),
            "dryRun": request.DryRun.map(AuditValue.bool),
        ]
    }

    public static func perform(_ request: ReEncryptRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<ReEncryptResponse> {
        let env = context.environment
        let source = keys[.source]
        let destination = keys[.destination]
        let plaintext = try await env.decrypt(
            request.CiphertextBlob, under: source, context: request.SourceEncryptionContext ?? [:], algorithm: request.SourceEncryptionAlgorithm
        )
        let ciphertext = try await env.encrypt(
            plaintext, under: destination, context: request.DestinationEncryptionContext ?? [:], algorithm: request.DestinationEncryptionAlgorithm
        )
        return Outcome(ReEncryptResponse(
            CiphertextBlob: ciphertext,
            SourceKeyId: source.arn,
            KeyId: destination.arn,
            SourceEncryptionAlgorithm: request.SourceEncryptionAlgorithm ?? "SYMMETRIC_DEFAULT",
            DestinationEncryptionAlgorithm: request.DestinationEncryptionAlgorithm ?? "SYMMETRIC_DEFAULT",
            SourceKeyMaterialId: source.ciphertextKeyMaterialID ?? source.currentKeyMaterialID,
            DestinationKeyMaterialId: destination.currentKeyMaterialID
        ))
    }
}
