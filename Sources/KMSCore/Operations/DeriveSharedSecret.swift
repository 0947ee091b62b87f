import KMSCrypto
public import KMSProtocol

public enum DeriveSharedSecret: KMSOperation {
    public static let name = OperationName.DeriveSharedSecret
    public static let action = KMSAction("kms:DeriveSharedSecret")
    public static let readOnly = true
    public static let keys: [KeySlot<DeriveSharedSecretRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: true), action: action, access: .cryptographic, usages: [.keyAgreement]),
    ]

    public static func validate(_ request: DeriveSharedSecretRequest) throws(KMSError) {
        try Validate.enumeration(request.KeyAgreementAlgorithm, field: "keyAgreementAlgorithm", allowed: ["ECDH"])
        try Validate.byteCount(request.PublicKey, field: "publicKey", in: 1...8192)
        try Validate.grantTokens(request.GrantTokens)
        try Validate.noRecipient(request.Recipient != nil)
    }

    public static func conditions(_ request: DeriveSharedSecretRequest) -> [String: [String]] {
        ["kms:KeyAgreementAlgorithm": [request.KeyAgreementAlgorithm]]
    }

    /// CloudTrail records the key and the algorithm, never the secret.
    public static func auditParameters(_ request: DeriveSharedSecretRequest) -> AuditFields {
        [
            "keyId": .string(request.KeyId),
            "keyAgreementAlgorithm": .string(request.KeyAgreementAlgorithm),
            "dryRun": request.DryRun.map(AuditValue.bool),
        ]
    }

    public static func perform(
        _ request: DeriveSharedSecretRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<DeriveSharedSecretResponse> {
        let key = keys[.key]
        guard let secret = try await context.environment.deriveSharedSecret(withPeer: request.PublicKey, under: key) else {
            throw KMSError.validation("The public key is not a DER SubjectPublicKeyInfo of a \(key.record.keySpec.rawValue) key.")
        }
        return Outcome(DeriveSharedSecretResponse(
            KeyId: key.arn, SharedSecret: secret, KeyAgreementAlgorithm: request.KeyAgreementAlgorithm, KeyOrigin: key.record.origin.rawValue
        ))
    }
}
