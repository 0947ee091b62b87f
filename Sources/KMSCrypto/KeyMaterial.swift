import Crypto
public import Foundation

/// The secret material of one key version, typed by its key spec, so that
/// material of one kind can never be used as another.
///
/// Neither `Codable` nor printable with its bytes, so it cannot be serialized
/// or logged by accident: the only way out is `RootKey.wrap`.
public enum KeyMaterial: Sendable {
    case symmetric(SymmetricKeyMaterial)

    public var spec: KeySpec {
        switch self {
        case .symmetric: .symmetricDefault
        }
    }

    /// Fresh material for a key spec from the system CSPRNG.
    public static func generate(_ spec: KeySpec) -> KeyMaterial {
        switch spec {
        case .symmetricDefault: .symmetric(.generate())
        }
    }

    /// The bytes the root key wraps: the raw key for symmetric material.
    func withEncodedBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case .symmetric(let material): try material.withUnsafeBytes(body)
        }
    }

    /// Rebuilds material of `spec` from the bytes `withEncodedBytes` gave.
    init(spec: KeySpec, encoded: [UInt8]) throws(KMSCryptoError) {
        switch spec {
        case .symmetricDefault: self = .symmetric(try SymmetricKeyMaterial(unsafeRawBytes: encoded))
        }
    }
}

extension KeyMaterial: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "KeyMaterial(\(spec.rawValue), redacted)" }
    public var debugDescription: String { description }
}

/// The 256-bit AES material of a SYMMETRIC_DEFAULT key version.
///
/// Backed by swift-crypto's `SymmetricKey`, whose storage is zeroized when freed.
public struct SymmetricKeyMaterial: Sendable {
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
    public static func generate() -> SymmetricKeyMaterial {
        SymmetricKeyMaterial(key: SymmetricKey(size: .bits256))
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

extension SymmetricKeyMaterial: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "KeyMaterial(redacted)" }
    public var debugDescription: String { description }
}
