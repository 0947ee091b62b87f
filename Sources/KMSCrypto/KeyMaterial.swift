import CLibCrypto
import Crypto
import CryptoExtras
public import Foundation

/// The secret material of one key version, typed by its key spec, so that
/// material of one kind can never be used as another.
///
/// Neither `Codable` nor printable with its bytes, so it cannot be serialized
/// or logged by accident: the only way out is `RootKey.wrap`.
public enum KeyMaterial: Sendable {
    case symmetric(SymmetricKeyMaterial)
    case hmac(HMACKeyMaterial)
    case ecc(ECCKeyMaterial)
    case rsa(RSAKeyMaterial)
    case secp256k1(Secp256k1KeyMaterial)
    case mlDsa(MLDSAKeyMaterial)

    public var spec: KeySpec {
        switch self {
        case .symmetric: .symmetricDefault
        case .hmac(let material): material.spec
        case .ecc(let material): material.spec
        case .rsa(let material): material.spec
        case .secp256k1: .eccSecgP256k1
        case .mlDsa(let material): material.spec
        }
    }

    /// Fresh material for a key spec from the system CSPRNG.
    public static func generate(_ spec: KeySpec) throws(KMSCryptoError) -> KeyMaterial {
        switch spec {
        case .symmetricDefault: .symmetric(.generate())
        case .hmac224, .hmac256, .hmac384, .hmac512: .hmac(.generate(spec))
        case .eccNistP256, .eccNistP384, .eccNistP521, .eccNistEdwards25519: .ecc(ECCKeyMaterial.generate(spec)!)
        case .rsa2048, .rsa3072, .rsa4096: .rsa(try RSAKeyMaterial.generate(spec))
        case .eccSecgP256k1: .secp256k1(.generate())
        case .mlDsa65, .mlDsa87: .mlDsa(try MLDSAKeyMaterial.generate(spec))
        }
    }

    /// The bytes the root key wraps: the raw key.
    func withEncodedBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case .symmetric(let material): try material.withUnsafeBytes(body)
        case .hmac(let material): try material.withUnsafeBytes(body)
        case .ecc(let material): try material.withRawBytes(body)
        case .rsa(let material): try material.withDERBytes(body)
        case .secp256k1(let material): try material.withRawBytes(body)
        case .mlDsa(let material): try material.withSeedBytes(body)
        }
    }

    /// Rebuilds material of `spec` from the bytes `withEncodedBytes` gave.
    init(spec: KeySpec, encoded: [UInt8]) throws(KMSCryptoError) {
        switch spec {
        case .symmetricDefault: self = .symmetric(try SymmetricKeyMaterial(unsafeRawBytes: encoded))
        case .hmac224, .hmac256, .hmac384, .hmac512: self = .hmac(try HMACKeyMaterial(spec: spec, unsafeRawBytes: encoded))
        case .eccNistP256, .eccNistP384, .eccNistP521, .eccNistEdwards25519:
            self = .ecc(try ECCKeyMaterial(spec: spec, rawRepresentation: encoded))
        case .rsa2048, .rsa3072, .rsa4096: self = .rsa(try RSAKeyMaterial(spec: spec, derRepresentation: encoded))
        case .eccSecgP256k1: self = .secp256k1(try Secp256k1KeyMaterial(rawRepresentation: encoded))
        case .mlDsa65, .mlDsa87: self = .mlDsa(try MLDSAKeyMaterial(spec: spec, seed: encoded))
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
/// (HMAC_224: 28 … HMAC_512: 64), as AWS KMS generates them. HMAC-SHA-224
/// comes from OpenSSL's libcrypto, since swift-crypto has no SHA-224.
public struct HMACKeyMaterial: Sendable {
    public let spec: KeySpec
    let key: SymmetricKey

    static func byteCount(of spec: KeySpec) -> Int? {
        switch spec {
        case .hmac224: 28
        case .hmac256: 32
        case .hmac384: 48
        case .hmac512: 64
        case .symmetricDefault, .eccNistP256, .eccNistP384, .eccNistP521, .rsa2048, .rsa3072, .rsa4096, .eccNistEdwards25519, .eccSecgP256k1, .mlDsa65, .mlDsa87: nil
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
        case .hmac224: Self.hmacSHA224(message, key: key)
        case .hmac384: Data(HMAC<SHA384>.authenticationCode(for: message, using: key))
        case .hmac512: Data(HMAC<SHA512>.authenticationCode(for: message, using: key))
        default: Data(HMAC<SHA256>.authenticationCode(for: message, using: key))
        }
    }

    /// Whether `mac` is this key's MAC of `message`, compared in constant time.
    public func isValid(_ mac: Data, for message: Data) -> Bool {
        switch spec {
        case .hmac224: Self.constantTimeEqual(Self.hmacSHA224(message, key: key), mac)
        case .hmac384: HMAC<SHA384>.isValidAuthenticationCode(mac, authenticating: message, using: key)
        case .hmac512: HMAC<SHA512>.isValidAuthenticationCode(mac, authenticating: message, using: key)
        default: HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: key)
        }
    }
}

extension HMACKeyMaterial {
    /// HMAC-SHA-224 through libcrypto's one-shot HMAC.
    static func hmacSHA224(_ message: Data, key: SymmetricKey) -> Data {
        var output = [UInt8](repeating: 0, count: 28)
        var length: UInt32 = 0
        key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                _ = HMAC(EVP_sha224(), keyBytes.baseAddress, Int32(keyBytes.count), messageBytes.bindMemory(to: UInt8.self).baseAddress,
                         messageBytes.count, &output, &length)
            }
        }
        precondition(length == 28, "HMAC-SHA-224 is 28 bytes")
        return Data(output)
    }

    static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension HMACKeyMaterial: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "KeyMaterial(\(spec.rawValue), redacted)" }
    public var debugDescription: String { description }
}

/// The private key of an elliptic-curve signing key version: NIST P-256,
/// P-384, P-521 (ECDSA with the hash AWS pairs with each curve) or Ed25519
/// (pure EdDSA).
public struct ECCKeyMaterial: Sendable {
    enum Curve: Sendable {
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
        case p521(P521.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    let curve: Curve

    public var spec: KeySpec {
        switch curve {
        case .p256: .eccNistP256
        case .p384: .eccNistP384
        case .p521: .eccNistP521
        case .ed25519: .eccNistEdwards25519
        }
    }

    /// The bytes of a digest this key signs: the curve's hash length.
    public var digestByteCount: Int {
        switch curve {
        case .p256: 32
        case .p384: 48
        case .p521, .ed25519: 64
        }
    }

    /// DER SubjectPublicKeyInfo of an Ed25519 key: RFC 8410's fixed header, then the 32-byte key.
    private static let ed25519PublicKeyHeader: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    static func generate(_ spec: KeySpec) -> ECCKeyMaterial? {
        switch spec {
        case .eccNistP256: ECCKeyMaterial(curve: .p256(P256.Signing.PrivateKey()))
        case .eccNistP384: ECCKeyMaterial(curve: .p384(P384.Signing.PrivateKey()))
        case .eccNistP521: ECCKeyMaterial(curve: .p521(P521.Signing.PrivateKey()))
        case .eccNistEdwards25519: ECCKeyMaterial(curve: .ed25519(Curve25519.Signing.PrivateKey()))
        default: nil
        }
    }

    init(curve: Curve) {
        self.curve = curve
    }

    /// Only for tests and key import paths that already hold the raw scalar.
    public init(spec: KeySpec, rawRepresentation bytes: [UInt8]) throws(KMSCryptoError) {
        do {
            switch spec {
            case .eccNistP256: curve = .p256(try P256.Signing.PrivateKey(rawRepresentation: bytes))
            case .eccNistP384: curve = .p384(try P384.Signing.PrivateKey(rawRepresentation: bytes))
            case .eccNistP521: curve = .p521(try P521.Signing.PrivateKey(rawRepresentation: bytes))
            case .eccNistEdwards25519: curve = .ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: bytes))
            default: throw KMSCryptoError.invalidKeyMaterial
            }
        } catch {
            throw .invalidKeyMaterial
        }
    }

    /// The private scalar, which the root key wraps; for tests that prove it never reaches storage.
    public func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let raw: Data = switch curve {
        case .p256(let key): key.rawRepresentation
        case .p384(let key): key.rawRepresentation
        case .p521(let key): key.rawRepresentation
        case .ed25519(let key): key.rawRepresentation
        }
        return try raw.withUnsafeBytes(body)
    }

    /// The public key as DER SubjectPublicKeyInfo, as GetPublicKey returns it.
    public var publicKeyDER: Data {
        switch curve {
        case .p256(let key): key.publicKey.derRepresentation
        case .p384(let key): key.publicKey.derRepresentation
        case .p521(let key): key.publicKey.derRepresentation
        case .ed25519(let key): Data(Self.ed25519PublicKeyHeader) + key.publicKey.rawRepresentation
        }
    }

    /// The raw ECDH shared secret (the x coordinate) with a peer's public key
    /// given as DER SubjectPublicKeyInfo; nil if it is not a key of this curve.
    public func sharedSecret(withPeer publicKeyDER: Data) -> Data? {
        do {
            let secret: SharedSecret
            switch curve {
            case .p256(let key):
                secret = try P256.KeyAgreement.PrivateKey(rawRepresentation: key.rawRepresentation)
                    .sharedSecretFromKeyAgreement(with: P256.KeyAgreement.PublicKey(derRepresentation: publicKeyDER))
            case .p384(let key):
                secret = try P384.KeyAgreement.PrivateKey(rawRepresentation: key.rawRepresentation)
                    .sharedSecretFromKeyAgreement(with: P384.KeyAgreement.PublicKey(derRepresentation: publicKeyDER))
            case .p521(let key):
                secret = try P521.KeyAgreement.PrivateKey(rawRepresentation: key.rawRepresentation)
                    .sharedSecretFromKeyAgreement(with: P521.KeyAgreement.PublicKey(derRepresentation: publicKeyDER))
            case .ed25519:
                return nil
            }
            return secret.withUnsafeBytes { Data($0) }
        } catch {
            return nil
        }
    }

    /// A DER-encoded ECDSA signature of `message`, hashed with the curve's hash,
    /// or, when `isDigest`, of `message` taken as that hash already; for
    /// Ed25519 the 64-byte EdDSA signature of the whole message, or, when
    /// `isDigest`, the Ed25519ph signature of the SHA-512 digest `message`.
    public func sign(_ message: Data, isDigest: Bool) throws(KMSCryptoError) -> Data {
        do {
            switch curve {
            case .p256(let key):
                return try (isDigest ? key.signature(for: SuppliedDigest<Bytes32>(message)) : key.signature(for: message)).derRepresentation
            case .p384(let key):
                return try (isDigest ? key.signature(for: SuppliedDigest<Bytes48>(message)) : key.signature(for: message)).derRepresentation
            case .p521(let key):
                return try (isDigest ? key.signature(for: SuppliedDigest<Bytes64>(message)) : key.signature(for: message)).derRepresentation
            case .ed25519(let key):
                // A digest is signed only by ED25519_PH_SHA_512; the operation pairs them.
                return try isDigest ? Ed25519ph.sign(message, seed: key.rawRepresentation) : key.signature(for: message)
            }
        } catch {
            throw .primitiveFailure
        }
    }

    /// Whether `signature` (DER) is this key's signature of `message` (or of the digest `message`).
    public func isValid(_ signature: Data, for message: Data, isDigest: Bool) -> Bool {
        switch curve {
        case .p256(let key):
            guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return isDigest
                ? key.publicKey.isValidSignature(parsed, for: SuppliedDigest<Bytes32>(message))
                : key.publicKey.isValidSignature(parsed, for: message)
        case .p384(let key):
            guard let parsed = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return isDigest
                ? key.publicKey.isValidSignature(parsed, for: SuppliedDigest<Bytes48>(message))
                : key.publicKey.isValidSignature(parsed, for: message)
        case .p521(let key):
            guard let parsed = try? P521.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return isDigest
                ? key.publicKey.isValidSignature(parsed, for: SuppliedDigest<Bytes64>(message))
                : key.publicKey.isValidSignature(parsed, for: message)
        case .ed25519(let key):
            return isDigest
                ? Ed25519ph.isValid(signature, for: message, publicKey: key.publicKey.rawRepresentation)
                : key.publicKey.isValidSignature(signature, for: message)
        }
    }
}

extension ECCKeyMaterial: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "KeyMaterial(\(spec.rawValue), redacted)" }
    public var debugDescription: String { description }
}

protocol DigestLength: Sendable { static var byteCount: Int { get } }
enum Bytes32: DigestLength { static let byteCount = 32 }
enum Bytes48: DigestLength { static let byteCount = 48 }
enum Bytes64: DigestLength { static let byteCount = 64 }

/// A digest the caller computed (Sign and Verify with MessageType DIGEST),
/// handed to swift-crypto's ECDSA as if it had hashed the message itself.
/// Its length is checked by the operation before it gets here.
struct SuppliedDigest<Length: DigestLength>: Digest {
    let bytes: [UInt8]
    static var byteCount: Int { Length.byteCount }

    init(_ data: Data) { bytes = Array(data) }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try bytes.withUnsafeBytes(body) }
    func makeIterator() -> IndexingIterator<[UInt8]> { bytes.makeIterator() }
    var description: String { "SuppliedDigest(\(bytes.count) bytes)" }
}

/// The private key of an RSA key version (2048, 3072 or 4096 bits). Signing:
/// RSASSA-PSS (salt as long as the hash) and RSASSA-PKCS1-v1_5, with SHA-256,
/// SHA-384 or SHA-512. Encryption: RSAES-OAEP with SHA-1 or SHA-256 (the MGF1
/// hash the same).
public struct RSAKeyMaterial: Sendable {
    let key: _RSA.Signing.PrivateKey

    public var spec: KeySpec {
        switch key.keySizeInBits {
        case 2048: .rsa2048
        case 3072: .rsa3072
        default: .rsa4096
        }
    }

    static func bitCount(of spec: KeySpec) -> Int? {
        switch spec {
        case .rsa2048: 2048
        case .rsa3072: 3072
        case .rsa4096: 4096
        default: nil
        }
    }

    static func generate(_ spec: KeySpec) throws(KMSCryptoError) -> RSAKeyMaterial {
        guard let bits = bitCount(of: spec) else { throw .invalidKeyMaterial }
        do {
            return RSAKeyMaterial(key: try _RSA.Signing.PrivateKey(keySize: .init(bitCount: bits)))
        } catch {
            throw .primitiveFailure
        }
    }

    init(key: _RSA.Signing.PrivateKey) {
        self.key = key
    }

    /// The same key as swift-crypto's encryption type, which is not `Sendable`, so made per use.
    private func encryptionKey() throws -> _RSA.Encryption.PrivateKey {
        try _RSA.Encryption.PrivateKey(derRepresentation: key.derRepresentation)
    }

    /// Only for tests and key import paths that already hold the DER private key.
    public init(spec: KeySpec, derRepresentation bytes: [UInt8]) throws(KMSCryptoError) {
        guard let bits = Self.bitCount(of: spec), let key = try? _RSA.Signing.PrivateKey(derRepresentation: bytes), key.keySizeInBits == bits else {
            throw .invalidKeyMaterial
        }
        self.init(key: key)
    }

    /// RSAES-OAEP's hash (for the label and MGF1).
    public enum OAEPHash: Sendable {
        case sha1, sha256

        var padding: _RSA.Encryption.Padding {
            switch self {
            case .sha1: .PKCS1_OAEP
            case .sha256: .PKCS1_OAEP_SHA256
            }
        }

        var byteCount: Int {
            switch self {
            case .sha1: 20
            case .sha256: 32
            }
        }
    }

    /// k, the modulus length in bytes: the length of every ciphertext and signature.
    public var modulusByteCount: Int { key.keySizeInBits / 8 }

    /// The longest plaintext OAEP takes with this key and hash: k − 2·hLen − 2.
    public func maximumPlaintextByteCount(_ hash: OAEPHash) -> Int {
        key.keySizeInBits / 8 - 2 * hash.byteCount - 2
    }

    /// The OAEP ciphertext of `plaintext` under the public key.
    public func encrypt(_ plaintext: Data, hash: OAEPHash) throws(KMSCryptoError) -> Data {
        do {
            return try encryptionKey().publicKey.encrypt(plaintext, padding: hash.padding)
        } catch {
            throw .primitiveFailure
        }
    }

    /// The plaintext of an OAEP ciphertext; every failure is `invalidCiphertext`.
    public func decrypt(_ ciphertext: Data, hash: OAEPHash) throws(KMSCryptoError) -> Data {
        do {
            return try encryptionKey().decrypt(ciphertext, padding: hash.padding)
        } catch {
            throw .invalidCiphertext
        }
    }

    /// The DER private key, which the root key wraps; for tests that prove it never reaches storage.
    public func withDERBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try key.derRepresentation.withUnsafeBytes(body)
    }

    /// The public key as DER SubjectPublicKeyInfo, as GetPublicKey returns it.
    public var publicKeyDER: Data { key.publicKey.derRepresentation }

    /// The hashes and paddings AWS names as signing algorithms.
    public enum Scheme: Sendable {
        case pss, pkcs1v15

        var padding: _RSA.Signing.Padding {
            switch self {
            case .pss: .PSS
            case .pkcs1v15: .insecurePKCS1v1_5
            }
        }
    }

    public enum Hash: Sendable {
        case sha256, sha384, sha512

        var byteCount: Int {
            switch self {
            case .sha256: 32
            case .sha384: 48
            case .sha512: 64
            }
        }
    }

    /// The signature of `message`, hashed with `hash`.
    public func sign(_ message: Data, hash: Hash, scheme: Scheme) throws(KMSCryptoError) -> Data {
        do {
            switch hash {
            case .sha256: return try key.signature(for: SHA256.hash(data: message), padding: scheme.padding).rawRepresentation
            case .sha384: return try key.signature(for: SHA384.hash(data: message), padding: scheme.padding).rawRepresentation
            case .sha512: return try key.signature(for: SHA512.hash(data: message), padding: scheme.padding).rawRepresentation
            }
        } catch {
            throw .primitiveFailure
        }
    }

    /// Whether `signature` is this key's signature of `message` under `hash` and `scheme`.
    public func isValid(_ signature: Data, for message: Data, hash: Hash, scheme: Scheme) -> Bool {
        let parsed = _RSA.Signing.RSASignature(rawRepresentation: signature)
        let publicKey = key.publicKey
        switch hash {
        case .sha256: return publicKey.isValidSignature(parsed, for: SHA256.hash(data: message), padding: scheme.padding)
        case .sha384: return publicKey.isValidSignature(parsed, for: SHA384.hash(data: message), padding: scheme.padding)
        case .sha512: return publicKey.isValidSignature(parsed, for: SHA512.hash(data: message), padding: scheme.padding)
        }
    }
}

extension RSAKeyMaterial: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "KeyMaterial(\(spec.rawValue), redacted)" }
    public var debugDescription: String { description }
}

/// An asymmetric data key pair (GenerateDataKeyPair): a fresh private key as
/// PKCS#8 DER and its public key as DER SubjectPublicKeyInfo, as AWS returns them.
public enum DataKeyPair {
    /// Nil for a pair spec this release cannot generate.
    public static func generate(_ spec: KeySpec) throws(KMSCryptoError) -> (privateKey: Data, publicKey: Data)? {
        switch spec {
        case .eccNistP256:
            let key = P256.Signing.PrivateKey()
            return (key.derRepresentation, key.publicKey.derRepresentation)
        case .eccNistP384:
            let key = P384.Signing.PrivateKey()
            return (key.derRepresentation, key.publicKey.derRepresentation)
        case .eccNistP521:
            let key = P521.Signing.PrivateKey()
            return (key.derRepresentation, key.publicKey.derRepresentation)
        case .eccNistEdwards25519:
            let key = Curve25519.Signing.PrivateKey()
            // RFC 8410: PKCS#8 with the 32-byte seed in an OCTET STRING.
            return (Data(KeyMaterial.ed25519PKCS8Header) + key.rawRepresentation, ECCKeyMaterial(curve: .ed25519(key)).publicKeyDER)
        case .rsa2048, .rsa3072, .rsa4096:
            guard case .rsa(let material) = try KeyMaterial.generate(spec) else { return nil }
            return (material.key.pkcs8DERRepresentation, material.publicKeyDER)
        case .eccSecgP256k1:
            let key = Secp256k1KeyMaterial.generate()
            return (key.pkcs8DER, key.publicKeyDER)
        case .symmetricDefault, .hmac224, .hmac256, .hmac384, .hmac512, .mlDsa65, .mlDsa87:
            return nil
        }
    }
}
