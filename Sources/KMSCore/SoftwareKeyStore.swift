public import Foundation
public import KMSCrypto
import Synchronization

/// The default key store: key material generated in process and kept only
/// wrapped under the software root key.
///
/// Unwrapped material of recently used versions is cached in memory so the
/// data plane does not pay an AES-GCM unwrap per request; the cache never
/// leaves the process and is dropped for a key when it is deleted.
public final class SoftwareKeyStore: Sendable {
    private struct VersionRef: Hashable {
        var keyID: KeyID
        var version: UInt32
    }

    private let rootKey: RootKey
    private let unwrapped = Mutex<[VersionRef: KeyMaterial]>([:])
    private static let cacheLimit = 4096

    public init(rootKey: RootKey) {
        self.rootKey = rootKey
    }

    /// Generates fresh material for a key version and returns it wrapped.
    public func generateVersion(of keyID: KeyID, version: UInt32, now: Date) throws(KMSError) -> WrappedKeyVersion {
        let material = KeyMaterial.generate()
        do {
            let wrapped = try rootKey.wrap(material, keyID: keyID.uuid, version: version)
            return WrappedKeyVersion(keyID: keyID, version: version, wrappedMaterial: wrapped, createdAt: now)
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    public func material(of version: WrappedKeyVersion) throws(KMSError) -> KeyMaterial {
        let ref = VersionRef(keyID: version.keyID, version: version.version)
        if let cached = unwrapped.withLock({ $0[ref] }) { return cached }
        let material: KeyMaterial
        do {
            material = try rootKey.unwrap(version.wrappedMaterial, keyID: version.keyID.uuid, version: version.version)
        } catch {
            // Stored material that the root key cannot open means a wrong root key
            // or a damaged database, never a client mistake.
            throw KMSError.internalFailure(error)
        }
        unwrapped.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[ref] = material
        }
        return material
    }

    public func forget(_ keyID: KeyID) {
        unwrapped.withLock { cache in cache = cache.filter { $0.key.keyID != keyID } }
    }

    // MARK: access-key secrets

    public func sealSecret(_ secret: String, accessKeyID: String) throws(KMSError) -> [UInt8] {
        do {
            return try rootKey.seal(secret: Array(secret.utf8), purpose: "access-key/\(accessKeyID)")
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    public func openSecret(_ sealed: [UInt8], accessKeyID: String) throws(KMSError) -> String {
        do {
            let bytes = try rootKey.open(sealedSecret: sealed, purpose: "access-key/\(accessKeyID)")
            return String(decoding: bytes, as: UTF8.self)
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    // MARK: root key check

    private static let checkPlaintext = Array("trent root key check v1".utf8)

    /// A value stored on first start, so that starting with a different root key
    /// fails loudly instead of leaving every key undecryptable.
    public func makeRootKeyCheck() throws(KMSError) -> [UInt8] {
        do {
            return try rootKey.seal(secret: Self.checkPlaintext, purpose: "root-key-check")
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    public func verifyRootKeyCheck(_ check: [UInt8]) -> Bool {
        (try? rootKey.open(sealedSecret: check, purpose: "root-key-check")) == Self.checkPlaintext
    }
}
