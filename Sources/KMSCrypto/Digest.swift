import Crypto

/// The SHA-256 of some bytes in lowercase hexadecimal: for identifiers
/// derived from public facts, such as a key version's KeyMaterialId.
public func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { byte in
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
    }.joined()
}

/// The SHA-256 of several byte strings one after the other.
public func sha256(_ parts: [UInt8]...) -> [UInt8] {
    var hasher = SHA256()
    for part in parts { hasher.update(data: part) }
    return Array(hasher.finalize())
}
