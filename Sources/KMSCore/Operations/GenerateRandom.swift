import Foundation
import KMSCrypto
public import KMSProtocol

public enum GenerateRandom: KMSOperation {
    public static let name = OperationName.GenerateRandom
    public static let action = KMSAction("kms:GenerateRandom")
    public static let readOnly = true
    public static let keys: [KeySlot<GenerateRandomRequest>] = []

    public static func validate(_ request: GenerateRandomRequest) throws(KMSError) {
        guard let count = request.NumberOfBytes else {
            throw KMSError.validation("1 validation error detected: Value null at 'numberOfBytes' failed to satisfy constraint: Member must not be null")
        }
        try Validate.value(count, field: "numberOfBytes", in: 1...1024)
        if request.CustomKeyStoreId != nil {
            throw KMSError.unsupported("GenerateRandom from a custom key store's HSM is not supported by Trent yet; leave out CustomKeyStoreId.")
        }
        try Validate.noRecipient(request.Recipient != nil)
    }

    public static func auditParameters(_ request: GenerateRandomRequest) -> AuditFields {
        [
            "numberOfBytes": request.NumberOfBytes.map(AuditValue.int),
            "customKeyStoreId": request.CustomKeyStoreId.map(AuditValue.string),
        ]
    }

    public static func perform(
        _ request: GenerateRandomRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<GenerateRandomResponse> {
        // validate() has checked that it is present and in range.
        let count = request.NumberOfBytes ?? 0
        return Outcome(GenerateRandomResponse(Plaintext: Data(secureRandomBytes(count: count))))
    }
}
