/// An HTTP request as SigV4 sees it: the parts that go into the canonical request.
public struct SigV4Request: Sendable {
    /// HTTP method, e.g. `"POST"`.
    public var method: String
    /// Raw path as on the wire (percent-encoded, no query), e.g. `"/"`.
    public var path: String
    /// Raw query string without the leading `?`; `""` when there is none.
    public var query: String
    /// Headers in wire order. Names may have any case; repeated names are allowed
    /// (their values are joined with `,` when signed).
    public var headers: [(name: String, value: String)]

    public init(method: String, path: String, query: String, headers: [(name: String, value: String)]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }

    /// Values of every header named `name` (ASCII case-insensitive), in wire order.
    func values(ofHeader name: String) -> [String] {
        var result: [String] = []
        for header in headers where asciiCaseInsensitiveEquals(header.name, name) {
            result.append(header.value)
        }
        return result
    }

    /// First value of the header named `name`, if any.
    func firstValue(ofHeader name: String) -> String? {
        headers.first { asciiCaseInsensitiveEquals($0.name, name) }?.value
    }
}

/// Compares header names without allocating lowercase copies.
func asciiCaseInsensitiveEquals(_ lhs: String, _ rhs: String) -> Bool {
    var left = lhs.utf8.makeIterator()
    var right = rhs.utf8.makeIterator()
    while true {
        switch (left.next(), right.next()) {
        case (nil, nil):
            return true
        case let (l?, r?):
            if asciiLowercased(l) != asciiLowercased(r) { return false }
        default:
            return false
        }
    }
}

@inline(__always)
func asciiLowercased(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
}

/// Header names are canonicalised to lowercase ASCII.
func lowercasedHeaderName(_ name: String) -> String {
    if !name.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) { return name }
    return String(decoding: name.utf8.map(asciiLowercased), as: UTF8.self)
}
