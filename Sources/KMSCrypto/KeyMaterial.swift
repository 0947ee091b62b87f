public import Crypto
public import Foundation

/// Secret key bytes of one customer master key version.
///
/// Backed by swift-crypto's `SymmetricKey`, whose storage is zeroized when
/// freed. It is deliberately neither `Codable` nor `CustomStringConvertible`
/// with its bytes, so it cannot be serialized or logged by accident: the only
/// way out is `RootKey.wrap`.
public struct KeyMaterial: Sendable {
    public static let byteCount = 32

    let key: SymmetricKey
    /// HMAC-SHA256 already keyed with the material: per-message key derivation
    /// copies it instead of redoing the HMAC key schedule every time.
    let messageKeyPRF: HMAC<SHA256>

    init(key: SymmetricKey) {
        self.key = key
        self.messageKeyPRF = HMAC<SHA256>(key: key)
    }

    /// Fresh 256-bit material from the system CSPRNG.
    public static func generate() -> KeyMaterial {
        KeyMaterial(key: SymmetricKey(size: .bits256))
    }

    /// Only for tests and key import paths that already hold raw bytes.
    public init<Bytes: ContiguousBytes>(unsafeRawBytes bytes: Bytes) throws(KMSCryptoError) {
        let key = SymmetricKey(data: bytes)
        guard key.bitCount == Self.byteCount * 8 else { throw .invalidKeyMaterial }
        self.init(key: key)
    }

    /// Lets a test prove raw bytes never reach storage; not for production code.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try key.withUnsafeBytes(body)
    }
}

extension KeyMaterial: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "KeyMaterial(redacted)" }
    public var debugDescription: String { description }
}
