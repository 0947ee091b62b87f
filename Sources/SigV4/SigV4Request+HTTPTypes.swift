public import HTTPTypes

extension SigV4Request {
    /// The request as SigV4 sees it, from a swift-http-types head (as Hummingbird hands requests over).
    public init(_ head: HTTPRequest) {
        let rawPath = head.path ?? "/"
        let (path, query) = rawPath.firstIndex(of: "?").map { (String(rawPath[..<$0]), String(rawPath[rawPath.index(after: $0)...])) }
            ?? (rawPath, "")
        // HTTP/1 `Host` arrives as the authority pseudo-header in swift-http-types.
        var headers: [(name: String, value: String)] = head.authority.map { [("host", $0)] } ?? []
        for field in head.headerFields { headers.append((field.name.canonicalName, field.value)) }
        self.init(method: head.method.rawValue, path: path, query: query, headers: headers)
    }
}
