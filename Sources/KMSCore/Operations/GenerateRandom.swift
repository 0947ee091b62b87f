import Foundation
import KMSCrypto
public import KMSProtocol

public enum GenerateRandom: KMSOperation {
    public static let name = OperationName.GenerateRandom

    public static func handle(_ request: GenerateRandomRequest, in context: OperationContext) async throws(KMSError) -> GenerateRandomResponse {
        guard let count = request.NumberOfBytes else {
            throw KMSError.validation("1 validation error detected: Value null at 'numberOfBytes' failed to satisfy constraint: Member must not be null")
        }
        try Validate.value(count, field: "numberOfBytes", in: 1...1024)
        if request.CustomKeyStoreId != nil {
            throw KMSError.unsupported("Custom key stores are not supported by Trent yet.")
        }
        try Validate.noRecipient(request.Recipient != nil)
        return GenerateRandomResponse(Plaintext: Data(secureRandomBytes(count: count)))
    }
}
