import CSodium
import Foundation

/// Ed25519ph (RFC 8032 section 5.1: SHA-512 prehash, phflag 1, empty context)
/// through Debian's libsodium, which prehashes what it is given. AWS's
/// ED25519_PH_SHA_512 takes a SHA-512 digest and still prehashes it, so the
/// caller's digest is exactly libsodium's message.
enum Ed25519ph {
    private static let signatureByteCount = Int(crypto_sign_ed25519_BYTES)

    /// The Ed25519ph signature of `message` by the key with this 32-byte seed.
    static func sign(_ message: Data, seed: Data) throws(KMSCryptoError) -> Data {
        guard SodiumLibrary.isInitialized, seed.count == Int(crypto_sign_ed25519_SEEDBYTES) else { throw .primitiveFailure }
        var publicKey = [UInt8](repeating: 0, count: Int(crypto_sign_ed25519_PUBLICKEYBYTES))
        var secretKey = [UInt8](repeating: 0, count: Int(crypto_sign_ed25519_SECRETKEYBYTES))
        defer { sodium_memzero(&secretKey, secretKey.count) }
        var seedBytes = Array(seed)
        defer { sodium_memzero(&seedBytes, seedBytes.count) }
        guard crypto_sign_ed25519_seed_keypair(&publicKey, &secretKey, seedBytes) == 0 else { throw .primitiveFailure }
        var state = prehashed(message)
        var signature = [UInt8](repeating: 0, count: signatureByteCount)
        guard crypto_sign_ed25519ph_final_create(&state, &signature, nil, secretKey) == 0 else { throw .primitiveFailure }
        return Data(signature)
    }

    /// Whether `signature` is the Ed25519ph signature of `message` under the 32-byte public key.
    static func isValid(_ signature: Data, for message: Data, publicKey: Data) -> Bool {
        guard SodiumLibrary.isInitialized, signature.count == signatureByteCount, publicKey.count == Int(crypto_sign_ed25519_PUBLICKEYBYTES) else {
            return false
        }
        var state = prehashed(message)
        var signatureBytes = Array(signature)
        return crypto_sign_ed25519ph_final_verify(&state, &signatureBytes, Array(publicKey)) == 0
    }

    private static func prehashed(_ message: Data) -> crypto_sign_ed25519ph_state {
        var state = crypto_sign_ed25519ph_state()
        crypto_sign_ed25519ph_init(&state)
        _ = message.withUnsafeBytes { crypto_sign_ed25519ph_update(&state, $0.bindMemory(to: UInt8.self).baseAddress, UInt64($0.count)) }
        return state
    }
}
