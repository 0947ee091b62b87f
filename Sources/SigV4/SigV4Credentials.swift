/// Credentials a client signs with.
public struct SigV4Credentials: Sendable {
    public let accessKeyID: String
    public let secretAccessKey: String
    /// Temporary-credential token, sent as `X-Amz-Security-Token` and signed.
    public let sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}
