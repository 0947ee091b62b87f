public import KMSProtocol

public enum ReEncrypt: KMSOperation {
    public static let name = OperationName.ReEncrypt

    public static func handle(_ request: ReEncryptRequest, in context: OperationContext) async throws(KMSError) -> ReEncryptResponse {
        let env = context.environment
        try Validate.grantTokens(request.GrantTokens)
        let destination = try await env.resolveKey(request.DestinationKeyId, field: "destinationKeyId")
        let destinationAlgorithm = try Validate.symmetricAlgorithm(request.DestinationEncryptionAlgorithm, arn: env.keyARN(destination.id))
        let (source, plaintext) = try await env.decrypt(
            request.CiphertextBlob, context: request.SourceEncryptionContext ?? [:], expectedKey: request.SourceKeyId
        )
        let sourceAlgorithm = try Validate.symmetricAlgorithm(request.SourceEncryptionAlgorithm, arn: env.keyARN(source.id))
        let ciphertext = try await env.encrypt(plaintext, under: destination, context: request.DestinationEncryptionContext ?? [:])
        try Validate.dryRun(request.DryRun)
        return ReEncryptResponse(
            CiphertextBlob: ciphertext,
            SourceKeyId: env.keyARN(source.id),
            KeyId: env.keyARN(destination.id),
            SourceEncryptionAlgorithm: sourceAlgorithm,
            DestinationEncryptionAlgorithm: destinationAlgorithm
        )
    }
}
