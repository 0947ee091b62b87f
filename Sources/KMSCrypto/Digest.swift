import Crypto

/// The SHA-256 of some bytes in lowercase hexadecimal: for identifiers
/// derived from public facts, such as a key version's KeyMaterialId.
public func sha256Hex(_ bytes: [UInt8]) -> String {
    hexEncoded(SHA256.hash(data: bytes))
}

/// Bytes in lowercase hexadecimal.
public func hexEncoded(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
}

/// The SHA-256 of several byte strings one after the other.
public func sha256(_ parts: [UInt8]...) -> [UInt8] {
    var hasher = SHA256()
    for part in parts { hasher.update(data: part) }
    return Array(hasher.finalize())
}

/// The first 16 bytes of SHA-256(key ‖ counter in big-endian), without an
/// allocation: for identifiers made on every request.
public func sha256Prefix(key: [UInt8], counter: UInt64) -> (UInt64, UInt64) {
    var hasher = SHA256()
    hasher.update(data: key)
    withUnsafeBytes(of: counter.bigEndian) { hasher.update(bufferPointer: $0) }
    return hasher.finalize().withUnsafeBytes { bytes in
        (bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }
}
