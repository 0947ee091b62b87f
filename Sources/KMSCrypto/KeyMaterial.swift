import Crypto
public import Foundation

/// The secret material of one key version, typed by its key spec, so that
/// material of one kind can never be used as another.
///
/// Neither `Codable` nor printable with its bytes, so it cannot be serialized
/// or logged by accident: the only way out is `RootKey.wrap`.
public enum KeyMaterial: Sendable {
    case symmetric(SymmetricKeyMaterial)
    case hmac(HMACKeyMaterial)

    public var spec: KeySpec {
        switch self {
        case .symmetric: .symmetricDefault
        case .hmac(let material): material.spec
        }
    }

    /// Fresh material for a key spec from the system CSPRNG.
    public static func generate(_ spec: KeySpec) -> KeyMaterial {
        switch spec {
        case .symmetricDefault: .symmetric(.generate())
        case .hmac256, .hmac384, .hmac512: .hmac(.generate(spec))
        }
    }

    /// The bytes the root key wraps: the raw key.
    func withEncodedBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case .symmetric(let material): try material.withUnsafeBytes(body)
        case .hmac(let material): try material.withUnsafeBytes(body)
        }
    }

    /// Rebuilds material of `spec` from the bytes `withEncodedBytes` gave.
    init(spec: KeySpec, encoded: [UInt8]) throws(KMSCryptoError) {
        switch spec {
        case .symmetricDefault: self = .symmetric(try SymmetricKeyMaterial(unsafeRawBytes: encoded))
        case .hmac256, .hmac384, .hmac512: self = .hmac(try HMACKeyMaterial(spec: spec, unsafeRawBytes: encoded))
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

/// The secret of an HMAC key version: as many bytes as its digest is long
/// (HMAC_256: 32 … HMAC_512: 64), as AWS KMS generates them. HMAC_224 waits
/// for a SHA-224 in swift-crypto.
public struct HMACKeyMaterial: Sendable {
    public let spec: KeySpec
    let key: SymmetricKey

    /// The one MAC algorithm of each HMAC key spec, as AWS names it.
    public var algorithm: String {
        switch spec {
        case .hmac384: "HMAC_SHA_384"
        case .hmac512: "HMAC_SHA_512"
        default: "HMAC_SHA_256"
        }
    }

    static func byteCount(of spec: KeySpec) -> Int? {
        switch spec {
        case .hmac256: 32
        case .hmac384: 48
        case .hmac512: 64
        case .symmetricDefault: nil
        }
    }

    static func generate(_ spec: KeySpec) -> HMACKeyMaterial {
        HMACKeyMaterial(spec: spec, key: SymmetricKey(size: .init(bitCount: (byteCount(of: spec) ?? 32) * 8)))
    }

    private init(spec: KeySpec, key: SymmetricKey) {
        self.spec = spec
        self.key = key
    }

    /// Only for tests and key import paths that already hold raw bytes.
    public init<Bytes: ContiguousBytes>(spec: KeySpec, unsafeRawBytes bytes: Bytes) throws(KMSCryptoError) {
        let key = SymmetricKey(data: bytes)
        guard let count = Self.byteCount(of: spec), key.bitCount == count * 8 else { throw .invalidKeyMaterial }
        self.init(spec: spec, key: key)
    }

    /// Lets a test prove raw bytes never reach storage; not for production code.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try key.withUnsafeBytes(body)
    }

    /// The MAC of `message` with this key's digest.
    public func mac(_ message: Data) -> Data {
        switch spec {
        case .hmac384: Data(HMAC<SHA384>.authenticationCode(for: message, using: key))
        case .hmac512: Data(HMAC<SHA512>.authenticationCode(for: message, using: key))
        default: Data(HMAC<SHA256>.authenticationCode(for: message, using: key))
        }
    }

    /// Whether `mac` is this key's MAC of `message`, compared in constant time.
    public func isValid(_ mac: Data, for message: Data) -> Bool {
        switch spec {
        case .hmac384: HMAC<SHA384>.isValidAuthenticationCode(mac, authenticating: message, using: key)
        case .hmac512: HMAC<SHA512>.isValidAuthenticationCode(mac, authenticating: message, using: key)
        default: HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: key)
        }
    }
}

extension HMACKeyMaterial: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "KeyMaterial(\(spec.rawValue), redacted)" }
    public var debugDescription: String { description }
}
