public import KMSProtocol

public enum GenerateMac: KMSOperation {
    public static let name = OperationName.GenerateMac
    public static let action = KMSAction("kms:GenerateMac")
    public static let readOnly = true
    public static let keys: [KeySlot<GenerateMacRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: true), action: action, access: .cryptographic,
                usages: [.generateVerifyMAC], algorithm: .mac(\.MacAlgorithm)),
    ]

    public static func validate(_ request: GenerateMacRequest) throws(KMSError) {
        try Validate.byteCount(request.Message, field: "message", in: 1...4096)
        try Validate.macAlgorithm(request.MacAlgorithm)
        try Validate.grantTokens(request.GrantTokens)
    }

    public static func conditions(_ request: GenerateMacRequest) -> [String: [String]] {
        ["kms:MacAlgorithm": [request.MacAlgorithm]]
    }

    /// CloudTrail records the key and algorithm, never the message or the MAC.
    public static func auditParameters(_ request: GenerateMacRequest) -> AuditFields {
        [
            "keyId": .string(request.KeyId),
            "macAlgorithm": .string(request.MacAlgorithm),
            "dryRun": request.DryRun.map(AuditValue.bool),
        ]
    }

    public static func perform(_ request: GenerateMacRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<GenerateMacResponse> {
        let key = keys[.key]
        let mac = try await context.environment.generateMac(request.Message, under: key)
        return Outcome(GenerateMacResponse(Mac: mac, MacAlgorithm: request.MacAlgorithm, KeyId: key.arn))
    }
}
