public import KMSProtocol

public enum Decrypt: KMSOperation {
    public static let name = OperationName.Decrypt

    public static func handle(_ request: DecryptRequest, in context: OperationContext) async throws(KMSError) -> DecryptResponse {
        let env = context.environment
        try Validate.grantTokens(request.GrantTokens)
        try Validate.noRecipient(request.Recipient != nil)
        let (record, plaintext) = try await env.decrypt(request.CiphertextBlob, context: request.EncryptionContext ?? [:], expectedKey: request.KeyId)
        let algorithm = try Validate.symmetricAlgorithm(request.EncryptionAlgorithm, arn: env.keyARN(record.id))
        try Validate.dryRun(request.DryRun)
        // The full ARN, not the bare ID: the AWS Encryption SDK matches on it.
        return DecryptResponse(KeyId: env.keyARN(record.id), Plaintext: plaintext, EncryptionAlgorithm: algorithm)
    }
}
