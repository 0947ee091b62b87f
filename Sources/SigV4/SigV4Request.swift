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

    /// First value of the header named `name`, if any.
    public func firstValue(ofHeader name: String) -> String? {
        headers.first { asciiCaseInsensitiveEquals($0.name, name) }?.value
    }
}
