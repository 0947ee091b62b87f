// Small ASCII helpers: header names and SigV4 syntax are ASCII, and these
// avoid Foundation and intermediate allocations on the hot path.

/// Compares header names without allocating lowercase copies.
func asciiCaseInsensitiveEquals(_ lhs: String, _ rhs: String) -> Bool {
    var left = lhs.utf8.makeIterator()
    var right = rhs.utf8.makeIterator()
    while true {
        switch (left.next(), right.next()) {
        case (nil, nil):
            return true
        case (let l?, let r?):
            if asciiLowercased(l) != asciiLowercased(r) { return false }
        default:
            return false
        }
    }
}

/// Whether a header name starts with a lowercase ASCII prefix, in any case, without allocating.
func asciiCaseInsensitiveHasPrefix(_ name: String, _ lowercasePrefix: String) -> Bool {
    name.utf8.count >= lowercasePrefix.utf8.count
        && zip(name.utf8, lowercasePrefix.utf8).allSatisfy { asciiLowercased($0) == $1 }
}

@inline(__always)
func asciiLowercased(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
}

/// Lowercases ASCII letters only (SigV4 canonical header names); returns the
/// name itself, without copying, when it is already lowercase.
func lowercasedHeaderName(_ name: String) -> String {
    if !name.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) { return name }
    return String(decoding: name.utf8.map(asciiLowercased), as: UTF8.self)
}

@inline(__always)
func isASCIISpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

extension Substring {
    /// Without leading and trailing spaces and tabs. Works on UTF-8 code units:
    /// Character-level scanning is several times slower and this runs per request.
    var trimmingSpaces: Substring {
        guard let first = utf8.firstIndex(where: { !isASCIISpace($0) }),
              let last = utf8.lastIndex(where: { !isASCIISpace($0) })
        else { return self[endIndex...] }
        // Both indices sit on ASCII bytes, so they are valid Character boundaries.
        return self[first...last]
    }
}
