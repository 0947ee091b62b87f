public import KMSCrypto
public import NIOPosix

/// The root key as a non-extractable AES-256 key in a PKCS#11 token: every
/// key version and service secret is wrapped and unwrapped by the HSM, and
/// no plaintext root key exists outside it. It writes the software root
/// key's format (nonce ‖ ciphertext ‖ tag), so a data directory moves to it
/// by unwrapping and wrapping again (`trent root-key migrate`).
public struct PKCS11RootKey: RootKeyCipher {
    private let keys: PKCS11LabelledKeys
    private let label: String

    /// Logs in and finds the key labelled `keyLabel`; with `mayCreate`, makes it when the token has none.
    public static func open(
        modulePath: String, tokenLabel: String, keyLabel: String, pin: [UInt8], mayCreate: Bool, threadPool: NIOThreadPool = .singleton
    ) async throws(PKCS11Error) -> PKCS11RootKey {
        let module = try PKCS11Module.load(path: modulePath)
        let keys = PKCS11LabelledKeys(pool: try await PKCS11SessionPool(module: module, tokenLabel: tokenLabel, pin: pin, threadPool: threadPool))
        if try await !keys.exists(label: keyLabel) {
            guard mayCreate else { throw .keyNotFound(label: keyLabel) }
            try await keys.generate(label: keyLabel)
        }
        return PKCS11RootKey(keys: keys, label: keyLabel)
    }

    public func seal(_ plaintext: [UInt8], aad: [UInt8]) async throws(KMSCryptoError) -> [UInt8] {
        let nonce = secureRandomBytes(count: 12)
        do {
            return nonce + (try await keys.seal(plaintext, key: label, nonce: nonce, aad: aad))
        } catch {
            throw .primitiveFailure
        }
    }

    public func open(_ sealed: [UInt8], aad: [UInt8]) async throws(KMSCryptoError) -> [UInt8] {
        guard sealed.count >= 12 + 16 else { throw .invalidKeyMaterial }
        do {
            return try await keys.open(Array(sealed.dropFirst(12)), key: label, nonce: Array(sealed.prefix(12)), aad: aad)
        } catch where error.isTagMismatch {
            throw .invalidKeyMaterial
        } catch {
            throw .primitiveFailure
        }
    }

    public func close() async {
        await keys.pool.close()
    }
}
