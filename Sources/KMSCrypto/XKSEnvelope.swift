public import Foundation

/// The ciphertext blob of a key in an external key store: double encryption.
/// The inner layer is an ordinary blob under Trent's own key version; the
/// external key store proxy encrypts that blob with its key, bound to this
/// blob's header and the encryption context as AAD. Layout: the usual
/// header ‖ IV length ‖ IV ‖ metadata length ‖ the proxy's ciphertextMetadata
/// ‖ the proxy's ciphertext ‖ its 16-byte tag, so Decrypt routes it as any other.
public enum XKSEnvelope {
    public struct Parts: Sendable, Hashable {
        public var initializationVector: [UInt8]
        public var ciphertextMetadata: [UInt8]?
        public var ciphertext: [UInt8]
        public var tag: [UInt8]
    }

    /// The blob from the header `sealing` made and what the proxy returned.
    public static func blob(
        _ sealing: HSMEnvelope.Sealing, initializationVector: [UInt8], ciphertextMetadata: [UInt8]?, ciphertext: [UInt8], tag: [UInt8]
    ) throws(KMSCryptoError) -> Data {
        let metadata = ciphertextMetadata ?? []
        guard initializationVector.count <= UInt8.max, metadata.count <= UInt8.max, tag.count == CiphertextBlob.tagSize else {
            throw .invalidCiphertext
        }
        var body = [UInt8(initializationVector.count)] + initializationVector
        body += [UInt8(metadata.count)] + metadata + ciphertext + tag
        return sealing.blob(ciphertextAndTag: body)
    }

    public static func parts(of blob: CiphertextBlob) throws(KMSCryptoError) -> Parts {
        let body = blob.ciphertext
        guard let ivLength = body.first.map(Int.init), body.count >= 1 + ivLength + 1 else { throw .invalidCiphertext }
        let metadataLength = Int(body[1 + ivLength])
        let start = 2 + ivLength + metadataLength
        guard body.count >= start else { throw .invalidCiphertext }
        return Parts(
            initializationVector: Array(body[1..<(1 + ivLength)]),
            ciphertextMetadata: metadataLength == 0 ? nil : Array(body[(2 + ivLength)..<start]),
            ciphertext: Array(body[start...]),
            tag: blob.tag
        )
    }
}
