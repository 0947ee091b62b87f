/// Looks up the secret for an access key id; returns nil when unknown.
public protocol SigV4CredentialProvider: Sendable {
    func secretAccessKey(for accessKeyID: String) async throws -> String?
}
