import CLibCrypto
public import Foundation

/// AES key wrap with padding (RFC 5649), as AWS's RSA_AES_KEY_WRAP import
/// algorithms use it, through OpenSSL's libcrypto: swift-crypto's AES key
/// wrap is RFC 3394 only, which cannot carry material of any length.
public enum AESKeyWrapWithPadding {
    /// The key `wrapped` holds; every failure (a wrong key, a tampered or malformed input) is `invalidCiphertext`.
    public static func unwrap(_ wrapped: Data, key: [UInt8]) throws(KMSCryptoError) -> [UInt8] {
        let cipher: OpaquePointer? = switch key.count {
        case 16: EVP_aes_128_wrap_pad()
        case 24: EVP_aes_192_wrap_pad()
        case 32: EVP_aes_256_wrap_pad()
        default: nil
        }
        guard let cipher, wrapped.count >= 16, wrapped.count % 8 == 0, let context = EVP_CIPHER_CTX_new() else { throw .invalidCiphertext }
        defer { EVP_CIPHER_CTX_free(context) }
        EVP_CIPHER_CTX_set_flags(context, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW)
        guard EVP_DecryptInit_ex(context, cipher, nil, key, nil) == 1 else { throw .invalidCiphertext }
        var output = [UInt8](repeating: 0, count: wrapped.count)
        var length: Int32 = 0
        let unwrapped = wrapped.withUnsafeBytes { input in
            EVP_DecryptUpdate(context, &output, &length, input.bindMemory(to: UInt8.self).baseAddress, Int32(input.count))
        }
        guard unwrapped == 1, length > 0 else {
            output.resetBytes()
            throw .invalidCiphertext
        }
        let key = Array(output.prefix(Int(length)))
        output.resetBytes()
        return key
    }
}

extension [UInt8] {
    /// Overwrites secret bytes before the buffer is released.
    public mutating func resetBytes() {
        for index in indices { self[index] = 0 }
    }
}
