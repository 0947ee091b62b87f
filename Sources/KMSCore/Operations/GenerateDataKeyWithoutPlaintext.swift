import Foundation
import KMSCrypto
public import KMSProtocol

public enum GenerateDataKeyWithoutPlaintext: KMSOperation {
    public static let name = OperationName.GenerateDataKeyWithoutPlaintext

    public static func handle(
        _ request: GenerateDataKeyWithoutPlaintextRequest, in context: OperationContext
    ) async throws(KMSError) -> GenerateDataKeyWithoutPlaintextResponse {
        let env = context.environment
        let size = try DataKeySize.byteCount(keySpec: request.KeySpec, numberOfBytes: request.NumberOfBytes)
        try Validate.grantTokens(request.GrantTokens)
        let record = try await env.resolveKey(request.KeyId)
        let ciphertext = try await env.encrypt(Data(secureRandomBytes(count: size)), under: record, context: request.EncryptionContext ?? [:])
        try Validate.dryRun(request.DryRun)
        return GenerateDataKeyWithoutPlaintextResponse(CiphertextBlob: ciphertext, KeyId: env.keyARN(record.id))
    }
}
