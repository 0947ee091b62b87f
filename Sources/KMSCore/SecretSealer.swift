public import KMSCrypto
public import Foundation

/// Seals the service's own secrets under the root key: access-key secrets
/// (SigV4 needs the secret itself, so it cannot be hashed) and the check
/// value that makes start-up refuse a wrong root key. Separate from the key
/// store, which holds customer keys and may live in an HSM or elsewhere.
public struct SecretSealer: Sendable {
    private let rootKey: RootKey

    public init(rootKey: RootKey) {
        self.rootKey = rootKey
    }

    public func sealSecret(_ secret: String, accessKeyID: String) async throws(KMSError) -> [UInt8] {
        do {
            return try await rootKey.seal(secret: Array(secret.utf8), purpose: Self.accessKeyPurpose(accessKeyID))
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    public func openSecret(_ sealed: [UInt8], accessKeyID: String) async throws(KMSError) -> String {
        do {
            let bytes = try await rootKey.open(sealedSecret: sealed, purpose: Self.accessKeyPurpose(accessKeyID))
            return String(decoding: bytes, as: UTF8.self)
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    /// Seals other service secrets, such as STS session claims; `purpose` binds each to its use.
    public func seal(_ bytes: some DataProtocol, purpose: String) async throws(KMSError) -> [UInt8] {
        do {
            return try await rootKey.seal(secret: bytes, purpose: purpose)
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    public func open(_ sealed: [UInt8], purpose: String) async throws(KMSCryptoError) -> [UInt8] {
        try await rootKey.open(sealedSecret: sealed, purpose: purpose)
    }

    // What each kind of sealed secret is bound to, in one place, for moving them to another root key.
    public static func accessKeyPurpose(_ accessKeyID: String) -> String { "access-key/\(accessKeyID)" }
    /// A custom key store's password or proxy secret.
    public static func customKeyStoreSecretPurpose(_ storeID: String) -> String { "custom-key-store-secret/\(storeID)" }
    public static let rootKeyCheckPurpose = "root-key-check"

    private static let checkPlaintext = Array("trent root key check v1".utf8)

    /// A value stored on first start, so that starting with a different root key
    /// fails loudly instead of leaving every key undecryptable.
    public func makeRootKeyCheck() async throws(KMSError) -> [UInt8] {
        do {
            return try await rootKey.seal(secret: Self.checkPlaintext, purpose: Self.rootKeyCheckPurpose)
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    public func verifyRootKeyCheck(_ check: [UInt8]) async -> Bool {
        (try? await rootKey.open(sealedSecret: check, purpose: Self.rootKeyCheckPurpose)) == Self.checkPlaintext
    }
}
