import Crypto
public import Foundation

/// The root of the key hierarchy: it wraps every key version and every stored
/// service secret, and nothing it protects is ever stored unwrapped.
///
/// Wrapping is AES-256-GCM (nonce ‖ ciphertext ‖ tag) with a purpose label and
/// the owner's identity as AAD, so a wrapped blob cannot be moved to another
/// key, version, key spec or access key without failing authentication. The
/// cipher runs in process (`init(rawBytes:)`) or in an HSM (`init(cipher:)`);
/// both write the same format, so a data directory can move from one to the other.
public struct RootKey: Sendable {
    private let cipher: any RootKeyCipher

    public static let byteCount = 32

    public init<Bytes: ContiguousBytes>(rawBytes: Bytes) throws(KMSCryptoError) {
        let key = SymmetricKey(data: rawBytes)
        guard key.bitCount == Self.byteCount * 8 else { throw .invalidKeyMaterial }
        cipher = SoftwareRootKeyCipher(key: key)
    }

    public init(cipher: any RootKeyCipher) {
        self.cipher = cipher
    }

    /// Fresh root key bytes, for first start. The caller writes them to a 0600 file.
    public static func generateRawBytes() -> [UInt8] {
        secureRandomBytes(count: byteCount)
    }

    // MARK: key versions

    /// Wraps a key version's material in the current format, binding its key
    /// spec, key ID and version.
    public func wrap(_ material: KeyMaterial, keyID: UUID, version: UInt32) async throws(KMSCryptoError) -> [UInt8] {
        var encoded = material.withEncodedBytes { Array($0) }
        defer { encoded.resetBytes() }
        return try await cipher.seal(encoded, aad: Self.keyVersionAAD(.current, spec: material.spec, keyID: keyID, version: version))
    }

    /// Unwraps material stored in `format`; it opens only as the spec, key and
    /// version it was wrapped for.
    public func unwrap(
        _ wrapped: [UInt8], format: WrappingFormat, spec: KeySpec, keyID: UUID, version: UInt32
    ) async throws(KMSCryptoError) -> KeyMaterial {
        if format == .v1, spec != .symmetricDefault { throw .invalidKeyMaterial }
        if format == .customKeyStore { throw .invalidKeyMaterial }
        var raw = try await cipher.open(wrapped, aad: Self.keyVersionAAD(format, spec: spec, keyID: keyID, version: version))
        defer { raw.resetBytes() }
        return try KeyMaterial(spec: spec, encoded: raw)
    }

    /// Unwraps with this root key and wraps again with `other`, in the same format: moving a data directory to another root key.
    public func rewrap(
        _ wrapped: [UInt8], format: WrappingFormat, spec: KeySpec, keyID: UUID, version: UInt32, under other: RootKey
    ) async throws(KMSCryptoError) -> [UInt8] {
        let aad = Self.keyVersionAAD(format, spec: spec, keyID: keyID, version: version)
        var raw = try await cipher.open(wrapped, aad: aad)
        defer { raw.resetBytes() }
        return try await other.cipher.seal(raw, aad: aad)
    }

    static func keyVersionAAD(_ format: WrappingFormat, spec: KeySpec, keyID: UUID, version: UInt32) -> [UInt8] {
        var aad: [UInt8]
        switch format {
        case .v1:
            // The first release wrapped only symmetric material and did not name the spec.
            aad = Array("trent/key-version/v1".utf8)
        case .v2, .customKeyStore:
            aad = Array("trent/key-version/v2".utf8)
            let name = Array(spec.rawValue.utf8)
            aad.append(UInt8(name.count))
            aad.append(contentsOf: name)
        }
        withUnsafeBytes(of: keyID.uuid) { aad.append(contentsOf: $0) }
        withUnsafeBytes(of: version.bigEndian) { aad.append(contentsOf: $0) }
        return aad
    }

    // MARK: other secrets (access-key secrets, the check value, import tokens)

    public func seal(secret: some DataProtocol, purpose: String) async throws(KMSCryptoError) -> [UInt8] {
        try await cipher.seal(Array(secret), aad: Array("trent/secret/\(purpose)".utf8))
    }

    public func open(sealedSecret: [UInt8], purpose: String) async throws(KMSCryptoError) -> [UInt8] {
        try await cipher.open(sealedSecret, aad: Array("trent/secret/\(purpose)".utf8))
    }

    /// Opens a secret with this root key and seals it again with `other`.
    public func reseal(_ sealed: [UInt8], purpose: String, under other: RootKey) async throws(KMSCryptoError) -> [UInt8] {
        var secret = try await open(sealedSecret: sealed, purpose: purpose)
        defer { secret.resetBytes() }
        return try await other.seal(secret: secret, purpose: purpose)
    }
}

/// AES-256-GCM under a root key, writing nonce ‖ ciphertext ‖ tag; a failure
/// to open is `invalidKeyMaterial`.
public protocol RootKeyCipher: Sendable {
    func seal(_ plaintext: [UInt8], aad: [UInt8]) async throws(KMSCryptoError) -> [UInt8]
    func open(_ sealed: [UInt8], aad: [UInt8]) async throws(KMSCryptoError) -> [UInt8]
}

/// The root key in process memory, from a file or the environment.
struct SoftwareRootKeyCipher: RootKeyCipher {
    let key: SymmetricKey

    func seal(_ plaintext: [UInt8], aad: [UInt8]) throws(KMSCryptoError) -> [UInt8] {
        do {
            guard let combined = try AES.GCM.seal(plaintext, using: key, authenticating: aad).combined else {
                throw KMSCryptoError.primitiveFailure
            }
            return Array(combined)
        } catch {
            throw .primitiveFailure
        }
    }

    func open(_ combined: [UInt8], aad: [UInt8]) throws(KMSCryptoError) -> [UInt8] {
        do {
            return Array(try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: key, authenticating: aad))
        } catch {
            throw .invalidKeyMaterial
        }
    }
}

/// How a key version's material was wrapped; stored beside the wrapped bytes
/// so that data directories of earlier releases keep opening.
public enum WrappingFormat: Int, Sendable, Hashable {
    /// The first release: AAD `"trent/key-version/v1" ‖ key ID ‖ version`, symmetric material only.
    case v1 = 1
    /// AAD `"trent/key-version/v2" ‖ len(spec) ‖ spec ‖ key ID ‖ version`.
    case v2 = 2
    /// Not wrapped at all: the key is in the HSM of a custom key store,
    /// labelled with its key ID, and the stored bytes name the store.
    case customKeyStore = 3

    public static let current = WrappingFormat.v2
}
