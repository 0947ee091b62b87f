/// Looks up the secret of an access key and the identity it belongs to, so
/// that verification hands back who signed without a second lookup.
public protocol SigV4CredentialProvider<Identity>: Sendable {
    associatedtype Identity: Sendable
    /// Nil when the access key is unknown.
    func credential(for accessKeyID: String) async throws -> SigV4Credential<Identity>?
}

public struct SigV4Credential<Identity: Sendable>: Sendable {
    public var secretAccessKey: String
    public var identity: Identity

    public init(secretAccessKey: String, identity: Identity) {
        self.secretAccessKey = secretAccessKey
        self.identity = identity
    }
}
