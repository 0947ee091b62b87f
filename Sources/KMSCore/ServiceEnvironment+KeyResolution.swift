public import KMSCrypto

/// Turning the `KeyId` strings clients send (key ID, key ARN, alias name,
/// alias ARN) into stored keys, with the errors AWS gives.
extension ServiceEnvironment {
    public enum KeyReference: Sendable, Hashable {
        case key(KeyID)
        case alias(String)
    }

    /// Parses without touching storage. `allowAlias` is false where AWS accepts
    /// only a key ID or key ARN (e.g. an alias's TargetKeyId).
    public func parseKeyReference(_ raw: String, field: String = "keyId", allowAlias: Bool = true) throws(KMSError) -> KeyReference {
        try Validate.length(raw, field: field, in: 1...2048)
        var body = Substring(raw)
        if raw.hasPrefix("arn:") {
            let prefix = "arn:aws:kms:\(region):\(accountID):"
            guard raw.hasPrefix(prefix) else {
                // A well-formed ARN of another account or region names nothing here.
                throw KMSError.notFound("Invalid arn \(raw)")
            }
            body = raw.dropFirst(prefix.count)
            if body.hasPrefix("key/") {
                body = body.dropFirst(4)
            } else if !body.hasPrefix("alias/") {
                throw KMSError(.invalidArn, "Invalid arn \(raw)")
            }
        }
        if body.hasPrefix("alias/") {
            guard allowAlias else { throw KMSError.notFound("Invalid keyId \(raw)") }
            return .alias(String(body))
        }
        guard let id = KeyID(body) else { throw KMSError.notFound("Invalid keyId \(raw)") }
        return .key(id)
    }

    /// The key a reference names, in any state.
    public func resolveKey(_ raw: String, field: String = "keyId", allowAlias: Bool = true) async throws(KMSError) -> KeyRecord {
        let id: KeyID
        switch try parseKeyReference(raw, field: field, allowAlias: allowAlias) {
        case .key(let keyID):
            id = keyID
        case .alias(let name):
            guard let alias = try await storage({ try await $0.alias(named: name) }) else {
                throw KMSError.notFound("Alias \(aliasARN(name)) is not found.")
            }
            id = alias.targetKeyID
        }
        guard let record = try await storage({ try await $0.key(id) }) else {
            throw KMSError.notFound("Key '\(keyARN(id))' does not exist")
        }
        return record
    }

    /// The material of one version of a key, unwrapped; nil if the key has no such version.
    public func material(of keyID: KeyID, version: UInt32) async throws(KMSError) -> KeyMaterial? {
        guard let wrapped = try await storage({ try await $0.keyVersion(keyID, version: version) }) else { return nil }
        return try keyStore.material(of: wrapped)
    }
}
