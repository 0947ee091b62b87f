import Foundation
import KMSCrypto

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
        // Byte-wise: the prefixes are ASCII, and String's own prefix checks
        // walk grapheme clusters, which showed on the data plane.
        var body = Substring(raw)
        if Self.hasPrefix(body, "arn:") {
            guard Self.hasPrefix(body, arnPrefix) else {
                // A well-formed ARN of another account or region names nothing here.
                throw KMSError.notFound("Invalid arn \(raw)")
            }
            body = Self.dropPrefix(body, arnPrefix)
            if Self.hasPrefix(body, "key/") {
                body = Self.dropPrefix(body, "key/")
            } else if !Self.hasPrefix(body, "alias/") {
                throw KMSError(.invalidArn, "Invalid arn \(raw)")
            }
        }
        if Self.hasPrefix(body, "alias/") {
            guard allowAlias else { throw KMSError.notFound("Invalid keyId \(raw)") }
            return .alias(String(body))
        }
        guard let id = KeyID(body) else { throw KMSError.notFound("Invalid keyId \(raw)") }
        return .key(id)
    }

    private static func hasPrefix(_ text: Substring, _ prefix: String) -> Bool {
        text.utf8.starts(with: prefix.utf8)
    }

    /// `text` without an ASCII `prefix` it starts with.
    private static func dropPrefix(_ text: Substring, _ prefix: String) -> Substring {
        Substring(text.utf8.dropFirst(prefix.utf8.count))
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

    /// The key an alias points to now.
    public func resolveAliasTarget(_ name: String) async throws(KMSError) -> KeyRecord {
        guard let alias = try await storage({ try await $0.alias(named: name) }) else {
            throw KMSError.notFound("Alias \(aliasARN(name)) is not found.")
        }
        guard let record = try await storage({ try await $0.key(alias.targetKeyID) }) else {
            throw KMSError.notFound("Key '\(keyARN(alias.targetKeyID))' does not exist")
        }
        return record
    }

    /// The key a ciphertext blob names. When the caller also named a key, the
    /// blob must belong to it (IncorrectKeyException otherwise), as in AWS.
    func resolveCiphertextKey(_ ciphertext: Data, keyHint: String?) async throws(KMSError) -> (KeyRecord, CiphertextBlob?) {
        let expected = try await keyHint.asyncMap { (raw) async throws(KMSError) in try await resolveKey(raw) }
        // An asymmetric ciphertext names no key: the request's KeyId is the key.
        if let expected, expected.keySpec.isAsymmetric { return (expected, nil) }
        let blob: CiphertextBlob
        do {
            blob = try CiphertextBlob(parsing: ciphertext)
        } catch {
            throw KMSError.invalidCiphertext()
        }
        let keyID = KeyID(uuid: blob.keyID)
        if let expected, expected.id != keyID {
            throw KMSError(.incorrectKey, "The key ID in the request does not identify a CMK that can perform this operation.")
        }
        guard let record = try await storage({ try await $0.key(keyID) }) else {
            // A blob naming an unknown key is indistinguishable from garbage.
            throw KMSError.invalidCiphertext()
        }
        return (record, blob)
    }
}

extension Optional {
    func asyncMap<U, E: Error>(_ transform: (Wrapped) async throws(E) -> U) async throws(E) -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
