/// Credentials a client signs with.
public struct SigV4Credentials: Sendable {
    public let accessKeyID: String
    public let secretAccessKey: String
    /// Temporary-credential token, sent as `X-Amz-Security-Token` and signed.
    /// Trent issues no session tokens, so its verifier rejects requests carrying one.
    public let sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}
