import Foundation
import KMSCrypto
public import KMSProtocol

public enum GenerateDataKey: KMSOperation {
    public static let name = OperationName.GenerateDataKey

    public static func handle(_ request: GenerateDataKeyRequest, in context: OperationContext) async throws(KMSError) -> GenerateDataKeyResponse {
        let env = context.environment
        let size = try DataKeySize.byteCount(keySpec: request.KeySpec, numberOfBytes: request.NumberOfBytes)
        try Validate.grantTokens(request.GrantTokens)
        try Validate.noRecipient(request.Recipient != nil)
        let record = try await env.resolveKey(request.KeyId)
        let dataKey = Data(secureRandomBytes(count: size))
        let ciphertext = try await env.encrypt(dataKey, under: record, context: request.EncryptionContext ?? [:])
        try Validate.dryRun(request.DryRun)
        return GenerateDataKeyResponse(CiphertextBlob: ciphertext, Plaintext: dataKey, KeyId: env.keyARN(record.id))
    }
}
