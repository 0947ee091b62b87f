/// Looks up the secret of an access key and the identity it belongs to, so
/// that verification hands back who signed without a second lookup.
public protocol SigV4CredentialProvider<Identity>: Sendable {
    associatedtype Identity: Sendable
    /// Nil when the access key is unknown, or when `sessionToken` (from
    /// `X-Amz-Security-Token`, for temporary credentials) is not valid for it.
    /// A thrown `SigV4Error` is answered as is (an expired token); any other
    /// error fails closed as a lookup failure.
    func credential(for accessKeyID: String, sessionToken: String?) async throws -> SigV4Credential<Identity>?
}

public struct SigV4Credential<Identity: Sendable>: Sendable {
    public var secretAccessKey: String
    public var identity: Identity

    public init(secretAccessKey: String, identity: Identity) {
        self.secretAccessKey = secretAccessKey
        self.identity = identity
    }
}
