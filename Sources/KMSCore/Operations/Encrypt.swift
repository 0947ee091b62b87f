public import KMSProtocol

public enum Encrypt: KMSOperation {
    public static let name = OperationName.Encrypt

    public static func handle(_ request: EncryptRequest, in context: OperationContext) async throws(KMSError) -> EncryptResponse {
        let env = context.environment
        try Validate.byteCount(request.Plaintext, field: "plaintext", in: 1...4096)
        try Validate.grantTokens(request.GrantTokens)
        let record = try await env.resolveKey(request.KeyId)
        let algorithm = try Validate.symmetricAlgorithm(request.EncryptionAlgorithm, arn: env.keyARN(record.id))
        let ciphertext = try await env.encrypt(request.Plaintext, under: record, context: request.EncryptionContext ?? [:])
        try Validate.dryRun(request.DryRun)
        return EncryptResponse(CiphertextBlob: ciphertext, KeyId: env.keyARN(record.id), EncryptionAlgorithm: algorithm)
    }
}
