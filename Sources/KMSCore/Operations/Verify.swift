public import KMSProtocol

public enum Verify: KMSOperation {
    public static let name = OperationName.Verify
    public static let action = KMSAction("kms:Verify")
    public static let readOnly = true
    public static let keys: [KeySlot<VerifyRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: true), action: action, access: .cryptographic,
                usages: [.signVerify], algorithm: .signing(\.SigningAlgorithm)),
    ]

    public static func validate(_ request: VerifyRequest) throws(KMSError) {
        try Validate.byteCount(request.Message, field: "message", in: 1...4096)
        try Validate.byteCount(request.Signature, field: "signature", in: 1...6144)
        try SigningMessage.validate(request.MessageType, algorithm: request.SigningAlgorithm, message: request.Message)
        try Validate.grantTokens(request.GrantTokens)
    }

    public static func conditions(_ request: VerifyRequest) -> [String: [String]] {
        ["kms:SigningAlgorithm": [request.SigningAlgorithm], "kms:MessageType": [request.MessageType ?? "RAW"]]
    }

    /// CloudTrail records the key, algorithm and message type, never the message or the signature.
    public static func auditParameters(_ request: VerifyRequest) -> AuditFields {
        [
            "keyId": .string(request.KeyId),
            "messageType": .string(request.MessageType ?? "RAW"),
            "signingAlgorithm": .string(request.SigningAlgorithm),
            "dryRun": request.DryRun.map(AuditValue.bool),
        ]
    }

    public static func perform(_ request: VerifyRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<VerifyResponse> {
        let key = keys[.key]
        let valid = try await context.environment.verify(
            request.Signature, for: request.Message, isDigest: SigningMessage.isDigest(request.MessageType),
            algorithm: request.SigningAlgorithm, under: key
        )
        // As AWS: a signature that does not verify is an error, not SignatureValid false.
        guard valid else { throw KMSError(.invalidKMSSignature, "The signature is not valid for this message, key and algorithm.") }
        return Outcome(VerifyResponse(KeyId: key.arn, SignatureValid: true, SigningAlgorithm: request.SigningAlgorithm))
    }
}
