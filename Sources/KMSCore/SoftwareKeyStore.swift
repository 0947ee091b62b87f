public import Foundation
public import KMSCrypto
import Synchronization

/// The default key store: material generated in process and stored only
/// wrapped under the software root key.
///
/// Unwrapped material of recently used versions is cached in memory so the
/// data plane does not pay an AES-GCM unwrap per request; the cache never
/// leaves the process and is dropped for a key when it is destroyed.
public final class SoftwareKeyStore: KeyStore {
    private struct VersionRef: Hashable {
        var keyID: KeyID
        var version: UInt32
    }

    let rootKey: RootKey
    private let unwrapped = Mutex<[VersionRef: KeyMaterial]>([:])
    private static let cacheLimit = 4096

    public init(rootKey: RootKey) {
        self.rootKey = rootKey
    }

    public func createKeyVersion(of keyID: KeyID, version: UInt32, spec: KeySpec, now: Date) async throws(KMSError) -> StoredKeyVersion {
        do {
            let wrapped = try await rootKey.wrap(try KeyMaterial.generate(spec), keyID: keyID.uuid, version: version)
            return StoredKeyVersion(
                keyID: keyID, version: version, keySpec: spec, wrappingFormat: .current, material: wrapped, createdAt: now
            )
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    public func encrypt(_ plaintext: Data, under version: StoredKeyVersion, context: [String: String]) async throws(KMSError) -> Data {
        guard case .symmetric(let material) = try await material(of: version) else { throw Self.wrongSpec(version) }
        do {
            return try SymmetricEnvelope.seal(
                plaintext, keyID: version.keyID.uuid, keyVersion: version.version, material: material, context: context
            )
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    public func decrypt(_ blob: CiphertextBlob, under version: StoredKeyVersion, context: [String: String]) async throws(KMSError) -> Data {
        // A blob naming a key that is not symmetric is not a ciphertext of this service.
        guard case .symmetric(let material) = try await material(of: version) else { throw KMSError.invalidCiphertext() }
        do {
            return Data(try SymmetricEnvelope.open(blob, material: material, context: context))
        } catch {
            throw KMSError.invalidCiphertext()
        }
    }

    public func generateMac(_ message: Data, under version: StoredKeyVersion) async throws(KMSError) -> Data {
        guard case .hmac(let material) = try await material(of: version) else { throw Self.wrongSpec(version) }
        return material.mac(message)
    }

    public func verifyMac(_ mac: Data, for message: Data, under version: StoredKeyVersion) async throws(KMSError) -> Bool {
        guard case .hmac(let material) = try await material(of: version) else { throw Self.wrongSpec(version) }
        return material.isValid(mac, for: message)
    }

    public func sign(_ message: Data, isDigest: Bool, algorithm: String, under version: StoredKeyVersion) async throws(KMSError) -> Data {
        do {
            switch try await material(of: version) {
            case .ecc(let material):
                return try material.sign(message, isDigest: isDigest)
            case .secp256k1(let material):
                return try material.sign(message, isDigest: isDigest)
            case .mlDsa(let material):
                guard !isDigest else { throw Self.wrongSpec(version) }
                return try material.sign(message)
            case .rsa(let material):
                guard let (hash, scheme) = Self.rsa(algorithm) else { throw Self.wrongSpec(version) }
                return try isDigest
                    ? material.sign(digest: message, hash: hash, scheme: scheme) : material.sign(message, hash: hash, scheme: scheme)
            case .symmetric, .hmac:
                throw Self.wrongSpec(version)
            }
        } catch let error as KMSError {
            throw error
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    public func verify(
        _ signature: Data, for message: Data, isDigest: Bool, algorithm: String, under version: StoredKeyVersion
    ) async throws(KMSError) -> Bool {
        switch try await material(of: version) {
        case .ecc(let material):
            return material.isValid(signature, for: message, isDigest: isDigest)
        case .secp256k1(let material):
            return material.isValid(signature, for: message, isDigest: isDigest)
        case .mlDsa(let material):
            return !isDigest && material.isValid(signature, for: message)
        case .rsa(let material):
            guard let (hash, scheme) = Self.rsa(algorithm) else { throw Self.wrongSpec(version) }
            return isDigest
                ? material.isValid(signature, forDigest: message, hash: hash, scheme: scheme)
                : material.isValid(signature, for: message, hash: hash, scheme: scheme)
        case .symmetric, .hmac:
            throw Self.wrongSpec(version)
        }
    }

    public func deriveSharedSecret(withPeer publicKey: Data, under version: StoredKeyVersion) async throws(KMSError) -> Data? {
        guard case .ecc(let material) = try await material(of: version) else { throw Self.wrongSpec(version) }
        return material.sharedSecret(withPeer: publicKey)
    }

    public func publicKey(of version: StoredKeyVersion) async throws(KMSError) -> Data {
        switch try await material(of: version) {
        case .ecc(let material): return material.publicKeyDER
        case .rsa(let material): return material.publicKeyDER
        case .secp256k1(let material): return material.publicKeyDER
        case .mlDsa(let material): return material.publicKeyDER
        case .symmetric, .hmac: throw Self.wrongSpec(version)
        }
    }

    public func encryptAsymmetric(_ plaintext: Data, algorithm: String, under version: StoredKeyVersion) async throws(KMSError) -> Data {
        guard case .rsa(let material) = try await material(of: version), let hash = Self.oaep(algorithm) else { throw Self.wrongSpec(version) }
        let limit = material.maximumPlaintextByteCount(hash)
        guard plaintext.count <= limit else {
            throw KMSError.validation("The plaintext is too long for \(version.keySpec.rawValue) with \(algorithm): at most \(limit) bytes.")
        }
        do {
            return try material.encrypt(plaintext, hash: hash)
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    public func decryptAsymmetric(_ ciphertext: Data, algorithm: String, under version: StoredKeyVersion) async throws(KMSError) -> Data {
        guard case .rsa(let material) = try await material(of: version), let hash = Self.oaep(algorithm) else { throw Self.wrongSpec(version) }
        do {
            return try material.decrypt(ciphertext, hash: hash)
        } catch {
            throw KMSError.invalidCiphertext()
        }
    }

    private static func oaep(_ algorithm: String) -> RSAKeyMaterial.OAEPHash? {
        switch algorithm {
        case "RSAES_OAEP_SHA_1": .sha1
        case "RSAES_OAEP_SHA_256": .sha256
        default: nil
        }
    }

    /// The hash and padding of an RSA signing algorithm's AWS name.
    private static func rsa(_ algorithm: String) -> (RSAKeyMaterial.Hash, RSAKeyMaterial.Scheme)? {
        let scheme: RSAKeyMaterial.Scheme
        if algorithm.hasPrefix("RSASSA_PSS_") { scheme = .pss } else if algorithm.hasPrefix("RSASSA_PKCS1_V1_5_") { scheme = .pkcs1v15 } else { return nil }
        switch algorithm.suffix(7) {
        case "SHA_256": return (.sha256, scheme)
        case "SHA_384": return (.sha384, scheme)
        case "SHA_512": return (.sha512, scheme)
        default: return nil
        }
    }

    /// The pipeline checks key usage first, so material of the wrong kind here is a bug, not a client error.
    private static func wrongSpec(_ version: StoredKeyVersion) -> KMSError {
        KMSError.internalFailure(WrongKeyMaterial(keyID: version.keyID, spec: version.keySpec))
    }

    struct WrongKeyMaterial: Error, CustomStringConvertible {
        let keyID: KeyID
        let spec: KeySpec
        var description: String { "key \(keyID) holds \(spec.rawValue) material, not the kind this operation needs" }
    }

    public func forget(_ keyID: KeyID) {
        unwrapped.withLock { cache in cache = cache.filter { $0.key.keyID != keyID } }
    }

    private func material(of version: StoredKeyVersion) async throws(KMSError) -> KeyMaterial {
        let ref = VersionRef(keyID: version.keyID, version: version.version)
        if let cached = unwrapped.withLock({ $0[ref] }) { return cached }
        let material: KeyMaterial
        do {
            material = try await rootKey.unwrap(
                version.material, format: version.wrappingFormat, spec: version.keySpec,
                keyID: version.keyID.uuid, version: version.version
            )
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
}
