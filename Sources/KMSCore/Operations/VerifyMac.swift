public import KMSProtocol

public enum VerifyMac: KMSOperation {
    public static let name = OperationName.VerifyMac
    public static let action = KMSAction("kms:VerifyMac")
    public static let readOnly = true
    public static let keys: [KeySlot<VerifyMacRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: true), action: action, access: .cryptographic,
                usages: [.generateVerifyMAC], algorithm: .mac(\.MacAlgorithm)),
    ]

    public static func validate(_ request: VerifyMacRequest) throws(KMSError) {
        try Validate.byteCount(request.Message, field: "message", in: 1...4096)
        try Validate.byteCount(request.Mac, field: "mac", in: 1...6144)
        try Validate.macAlgorithm(request.MacAlgorithm)
        try Validate.grantTokens(request.GrantTokens)
    }

    public static func conditions(_ request: VerifyMacRequest) -> [String: [String]] {
        ["kms:MacAlgorithm": [request.MacAlgorithm]]
    }

    /// CloudTrail records the key and algorithm, never the message or the MAC.
    public static func auditParameters(_ request: VerifyMacRequest) -> AuditFields {
        [
            "keyId": .string(request.KeyId),
            "macAlgorithm": .string(request.MacAlgorithm),
            "dryRun": request.DryRun.map(AuditValue.bool),
        ]
    }

    public static func perform(_ request: VerifyMacRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<VerifyMacResponse> {
        let key = keys[.key]
        // As AWS: a MAC that does not verify is an error, not MacValid false.
        guard try await context.environment.verifyMac(request.Mac, for: request.Message, under: key) else {
            throw KMSError(.invalidMac, "The HMAC verification failed.")
        }
        return Outcome(VerifyMacResponse(KeyId: key.arn, MacValid: true, MacAlgorithm: request.MacAlgorithm))
    }
}
