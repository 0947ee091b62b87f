/// GenerateDataKey* take exactly one of KeySpec and NumberOfBytes.
import Foundation
import KMSCrypto

enum DataKeySize {
    static func byteCount(keySpec: String?, numberOfBytes: Int?) throws(KMSError) -> Int {
        switch (keySpec, numberOfBytes) {
        case (nil, nil):
            throw KMSError.validation("Please specify either number of bytes or key spec.")
        case (.some, .some):
            throw KMSError.validation("Please specify either number of bytes or key spec, not both.")
        case (nil, .some(let count)):
            try Validate.value(count, field: "numberOfBytes", in: 1...1024)
            return count
        case (.some(let spec), nil):
            switch spec {
            case "AES_256": return 32
            case "AES_128": return 16
            default:
                throw Validate.notInEnumeration(spec, field: "keySpec", allowed: ["AES_256", "AES_128"])
            }
        }
    }
}

extension DataKeySize {
    /// What GenerateDataKey* give the audit record: never the data key.
    static func auditParameters(
        keyId: String, context: [String: String]?, keySpec: String?, numberOfBytes: Int?, dryRun: Bool?
    ) -> AuditFields {
        [
            "keyId": .string(keyId),
            "encryptionContext": context.map(AuditValue.init),
            "keySpec": keySpec.map(AuditValue.string),
            "numberOfBytes": numberOfBytes.map(AuditValue.int),
            "dryRun": dryRun.map(AuditValue.bool),
        ]
    }
}

extension ServiceEnvironment {
    /// A fresh data key of the size GenerateDataKey* asked for, and its
    /// encryption under the key's current version.
    func generateDataKey(
        keySpec: String?, numberOfBytes: Int?, context: [String: String]?, under key: ResolvedKey
    ) async throws(KMSError) -> (plaintext: Data, ciphertext: Data) {
        let size = try DataKeySize.byteCount(keySpec: keySpec, numberOfBytes: numberOfBytes)
        let plaintext = Data(secureRandomBytes(count: size))
        return (plaintext, try await encrypt(plaintext, under: key, context: context ?? [:], algorithm: nil))
    }
}
