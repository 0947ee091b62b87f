/// Lowercase hex encoding through a lookup table: SigV4 hashes and signatures
/// are hex strings, and this sits on the per-request hot path.
enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True for 64 hex digits (either case), the shape of a SHA-256 digest.
    static func isSHA256Digest(_ string: String) -> Bool {
        var count = 0
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                UInt8(ascii: "A")...UInt8(ascii: "F"):
                count += 1
            default:
                return false
            }
        }
        return count == 64
    }
}
