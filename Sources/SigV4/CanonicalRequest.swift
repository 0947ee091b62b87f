extension SigV4 {
    /// The SigV4 canonical request:
    /// `METHOD \n path \n query \n headers \n \n signed-headers \n payload-hash`.
    ///
    /// - `signedHeaders` are lowercased, de-duplicated and sorted here; each is
    ///   looked up in `request.headers` case-insensitively.
    /// - The path is URI-encoded as it arrives on the wire (so `%20` becomes
    ///   `%2520`): AWS encodes non-S3 paths twice, and that is what SDKs sign.
    ///   With `normalizePath`, dot segments and empty segments are removed first,
    ///   as botocore does for every service but S3.
    /// - Query keys and values are decoded and re-encoded, then sorted by key and
    ///   value; `X-Amz-Signature` is never part of it (presigned requests carry it).
    public static func canonicalRequest(
        _ request: SigV4Request, signedHeaders: [String], payloadHash: String, normalizePath: Bool
    ) -> String {
        String(
            decoding: canonicalRequestBytes(
                request, signedHeaders: sortedSignedHeaders(signedHeaders), payloadHash: payloadHash,
                normalizePath: normalizePath),
            as: UTF8.self)
    }

    /// Lowercased, de-duplicated and sorted by bytes, as the canonical request wants them.
    static func sortedSignedHeaders(_ names: [String]) -> [String] {
        var lowered = names.map(lowercasedHeaderName)
        lowered.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var unique: [String] = []
        unique.reserveCapacity(lowered.count)
        for name in lowered where unique.last != name { unique.append(name) }
        return unique
    }

    /// `signedHeaders` must already be lowercase and sorted (see `sortedSignedHeaders`).
    static func canonicalRequestBytes(
        _ request: SigV4Request, signedHeaders: [String], payloadHash: String, normalizePath: Bool
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + request.path.utf8.count + request.query.utf8.count * 2)
        out.append(contentsOf: request.method.utf8)
        out.append(UInt8(ascii: "\n"))
        appendCanonicalPath(request.path, normalize: normalizePath, into: &out)
        out.append(UInt8(ascii: "\n"))
        appendCanonicalQuery(request.query, into: &out)
        out.append(UInt8(ascii: "\n"))
        for name in signedHeaders {
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: ":"))
            var first = true
            for header in request.headers where asciiCaseInsensitiveEquals(header.name, name) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendTrimmedCollapsed(header.value, into: &out)
            }
            out.append(UInt8(ascii: "\n"))
        }
        out.append(UInt8(ascii: "\n"))
        for (index, name) in signedHeaders.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ";")) }
            out.append(contentsOf: name.utf8)
        }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: payloadHash.utf8)
        return out
    }

    // MARK: - Path

    private static func appendCanonicalPath(_ path: String, normalize: Bool, into out: inout [UInt8]) {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty else {
            out.append(UInt8(ascii: "/"))
            return
        }
        guard normalize else {
            PercentEncoding.encode(bytes, keepSlash: true, into: &out)
            return
        }
        // RFC 3986 remove_dot_segments plus collapsing of empty segments, with
        // botocore's rules for the leading and trailing slash.
        var segments: [ArraySlice<UInt8>] = []
        for segment in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if segment.elementsEqual([UInt8(ascii: ".")]) { continue }
            if segment.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                _ = segments.popLast()
                continue
            }
            segments.append(segment)
        }
        let leadingSlash = bytes.first == UInt8(ascii: "/")
        if leadingSlash || segments.isEmpty { out.append(UInt8(ascii: "/")) }
        for (index, segment) in segments.enumerated() {
            if index > 0 { out.append(UInt8(ascii: "/")) }
            PercentEncoding.encode(segment, into: &out)
        }
        if bytes.last == UInt8(ascii: "/") && !segments.isEmpty { out.append(UInt8(ascii: "/")) }
    }

    // MARK: - Query

    private static let signatureParameter = Array("X-Amz-Signature".utf8)

    private static func appendCanonicalQuery(_ query: String, into out: inout [UInt8]) {
        guard !query.isEmpty else { return }
        let bytes = Array(query.utf8)
        var pairs: [(key: [UInt8], value: [UInt8])] = []
        for component in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let key: ArraySlice<UInt8>
            let value: ArraySlice<UInt8>
            if let equals = component.firstIndex(of: UInt8(ascii: "=")) {
                key = component[..<equals]
                value = component[(equals + 1)...]
            } else {
                key = component
                value = []
            }
            let decodedKey = PercentEncoding.decode(key)
            if decodedKey == signatureParameter { continue }
            pairs.append((PercentEncoding.encode(decodedKey), PercentEncoding.encode(PercentEncoding.decode(value))))
        }
        pairs.sort { lhs, rhs in
            lhs.key == rhs.key
                ? lhs.value.lexicographicallyPrecedes(rhs.value) : lhs.key.lexicographicallyPrecedes(rhs.key)
        }
        for (index, pair) in pairs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: "&")) }
            out.append(contentsOf: pair.key)
            out.append(UInt8(ascii: "="))
            out.append(contentsOf: pair.value)
        }
    }

    // MARK: - Header values

    /// Trims the value and turns every run of whitespace (including the line
    /// breaks of folded header lines) into a single space.
    private static func appendTrimmedCollapsed(_ value: String, into out: inout [UInt8]) {
        var pendingSpace = false
        var wroteAny = false
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                pendingSpace = wroteAny
            default:
                if pendingSpace { out.append(UInt8(ascii: " ")) }
                pendingSpace = false
                wroteAny = true
                out.append(byte)
            }
        }
    }
}
