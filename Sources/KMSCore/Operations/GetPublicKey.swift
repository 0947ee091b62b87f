import KMSCrypto
public import KMSProtocol

public enum GetPublicKey: KMSOperation {
    public static let name = OperationName.GetPublicKey
    public static let action = KMSAction("kms:GetPublicKey")
    public static let readOnly = true
    public static let keys: [KeySlot<GetPublicKeyRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: true), action: action, access: .cryptographic),
    ]

    public static func validate(_ request: GetPublicKeyRequest) throws(KMSError) {
        try Validate.grantTokens(request.GrantTokens)
    }

    public static func auditParameters(_ request: GetPublicKeyRequest) -> AuditFields {
        ["keyId": .string(request.KeyId)]
    }

    public static func perform(_ request: GetPublicKeyRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<GetPublicKeyResponse> {
        let key = keys[.key]
        let record = key.record
        guard record.keySpec.isAsymmetric else {
            throw KMSError.unsupported("\(key.arn) is a \(record.keySpec.rawValue) key, which has no public key.")
        }
        let publicKey = try await context.environment.publicKey(of: key)
        return Outcome(GetPublicKeyResponse(
            KeyId: key.arn, PublicKey: publicKey, KeySpec: record.keySpec.rawValue, KeyUsage: record.keyUsage.rawValue,
            SigningAlgorithms: record.keyUsage == .signVerify ? record.keySpec.signingAlgorithms : nil,
            EncryptionAlgorithms: record.keyUsage == .encryptDecrypt ? record.keySpec.encryptionAlgorithms : nil,
            KeyAgreementAlgorithms: record.keyUsage == .keyAgreement ? record.keySpec.keyAgreementAlgorithms : nil
        ))
    }
}
