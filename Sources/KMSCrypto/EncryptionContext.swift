/// Canonical bytes of an encryption context, bound into every ciphertext as AAD.
///
/// Pairs are sorted by the UTF-8 bytes of their keys, so the order a client
/// sent them in does not matter, and every key and value is length-prefixed so
/// that no two different contexts can encode to the same bytes
/// (`{"a":"bc"}` versus `{"ab":"c"}`).
public enum EncryptionContext {
    public static func canonicalBytes(_ context: [String: String]) -> [UInt8] {
        var out = [UInt8]()
        appendCanonicalBytes(context, to: &out)
        return out
    }

    /// Appends the canonical bytes to `out`, so an AAD can be built in one buffer.
    public static func appendCanonicalBytes(_ context: [String: String], to out: inout [UInt8]) {
        if context.isEmpty {
            appendLength(0, to: &out)
            return
        }
        let pairs = context.map { (Array($0.key.utf8), Array($0.value.utf8)) }
            .sorted { $0.0.lexicographicallyPrecedes($1.0) }
        out.reserveCapacity(out.count + 4 + pairs.reduce(0) { $0 + 8 + $1.0.count + $1.1.count })
        appendLength(pairs.count, to: &out)
        for (key, value) in pairs {
            appendLength(key.count, to: &out)
            out.append(contentsOf: key)
            appendLength(value.count, to: &out)
            out.append(contentsOf: value)
        }
    }

    private static func appendLength(_ length: Int, to out: inout [UInt8]) {
        let value = UInt32(length)
        out.append(UInt8(truncatingIfNeeded: value >> 24))
        out.append(UInt8(truncatingIfNeeded: value >> 16))
        out.append(UInt8(truncatingIfNeeded: value >> 8))
        out.append(UInt8(truncatingIfNeeded: value))
    }
}
