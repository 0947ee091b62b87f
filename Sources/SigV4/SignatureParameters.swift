/// What a request claims about its signature, whether it came from the
/// `Authorization` header or from presigned query parameters.
struct SignatureParameters: Sendable {
    enum Source: Sendable {
        case header
        /// Presigned URL, valid for this many seconds after its `X-Amz-Date`.
        case query(expires: Int)
    }

    let source: Source
    let credential: CredentialScope
    /// As sent by the client (semicolon-separated list split, not yet sorted).
    let signedHeaders: [String]
    let signature: String
    /// `X-Amz-Date` from the query; nil for header auth, which reads it from the headers.
    let queryDate: String?
    /// `X-Amz-Security-Token` from the query, for presigned requests with temporary credentials.
    let querySecurityToken: String?
}
