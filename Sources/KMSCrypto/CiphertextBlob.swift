public import Foundation

/// The ciphertext blob Trent hands out for symmetric keys (format version 1).
///
/// ```
/// offset  size  field
///      0     1  format version (0x01)
///      1    16  key ID (UUID, big-endian bytes)
///     17     4  key version (UInt32, big-endian)
///     21    16  salt: HKDF-SHA256 derives a one-off AES-256 key from the key version's material
///     37    12  AES-GCM nonce
///     49     n  AES-256-GCM ciphertext
///   49+n    16  AES-GCM tag
/// ```
/// The AAD is the 49-byte header followed by the canonical encryption
/// context, so the key ID, the version and the context are all authenticated.
/// The format is documented for operators in docs/ciphertext-format.md.
public struct CiphertextBlob: Sendable, Hashable {
    public static let formatVersion: UInt8 = 1
    public static let headerSize = 49
    public static let saltSize = 16
    public static let nonceSize = 12
    public static let tagSize = 16
    public static let overhead = headerSize + tagSize

    public var keyID: UUID
    public var keyVersion: UInt32
    public var salt: [UInt8]
    public var nonce: [UInt8]
    public var ciphertext: [UInt8]
    public var tag: [UInt8]

    public init(keyID: UUID, keyVersion: UInt32, salt: [UInt8], nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
        self.keyID = keyID
        self.keyVersion = keyVersion
        self.salt = salt
        self.nonce = nonce
        self.ciphertext = ciphertext
        self.tag = tag
    }

    /// Reads only the routing fields (format, key ID, version) so that Decrypt
    /// can find the key without a KeyId parameter. Authentication happens later.
    public init(parsing bytes: some Collection<UInt8>) throws(KMSCryptoError) {
        let bytes = Array(bytes)
        guard bytes.count >= Self.overhead, bytes[0] == Self.formatVersion else { throw .invalidCiphertext }
        let uuid = bytes[1..<17]
        keyID = UUID(uuid: uuid.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) })
        keyVersion = bytes[17..<21].reduce(0) { $0 << 8 | UInt32($1) }
        salt = Array(bytes[21..<37])
        nonce = Array(bytes[37..<49])
        ciphertext = Array(bytes[49..<(bytes.count - Self.tagSize)])
        tag = Array(bytes[(bytes.count - Self.tagSize)...])
    }

    /// The authenticated header: everything before the ciphertext.
    public var header: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Self.headerSize)
        Self.appendHeader(keyID: keyID, keyVersion: keyVersion, salt: salt, nonce: nonce, to: &out)
        return out
    }

    static func appendHeader(keyID: UUID, keyVersion: UInt32, salt: [UInt8], nonce: [UInt8], to out: inout [UInt8]) {
        out.append(formatVersion)
        withUnsafeBytes(of: keyID.uuid) { out.append(contentsOf: $0) }
        out.append(UInt8(truncatingIfNeeded: keyVersion >> 24))
        out.append(UInt8(truncatingIfNeeded: keyVersion >> 16))
        out.append(UInt8(truncatingIfNeeded: keyVersion >> 8))
        out.append(UInt8(truncatingIfNeeded: keyVersion))
        out.append(contentsOf: salt)
        out.append(contentsOf: nonce)
    }
}
