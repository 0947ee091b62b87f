public import Foundation
public import KMSCrypto

/// Import of key material (BYOK) into the software key store. The RSA
/// wrapping key's private half travels in the import token, sealed under the
/// root key and bound to the KMS key, so no import state is stored and any
/// node can accept the import; the token is good only until its expiry.
extension SoftwareKeyStore {
    public func importParameters(
        for keyID: KeyID, wrappingKeySpec: KeySpec, algorithm: ImportWrappingAlgorithm, validTo: Date
    ) async throws(KMSError) -> ImportParameters {
        do {
            guard case .rsa(let wrappingKey) = try KeyMaterial.generate(wrappingKeySpec) else {
                throw KMSError.internalFailure(WrongKeyMaterial(keyID: keyID, spec: wrappingKeySpec))
            }
            let token = ImportToken(algorithm: algorithm, wrappingKeySpec: wrappingKeySpec, validTo: validTo)
            var contents = token.header + wrappingKey.withDERBytes { Array($0) }
            defer { contents.resetBytes() }
            let sealed = try await rootKey.seal(secret: contents, purpose: ImportToken.purpose(keyID))
            return ImportParameters(token: sealed, publicKey: wrappingKey.publicKeyDER)
        } catch let error as KMSError {
            throw error
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    public func importKeyVersion(
        of keyID: KeyID, version: UInt32, spec: KeySpec, token sealed: [UInt8], encryptedMaterial: Data, now: Date
    ) async throws(KMSError) -> UnwrappedImport {
        guard let opened = try? await rootKey.open(sealedSecret: sealed, purpose: ImportToken.purpose(keyID)),
              let (token, wrappingKeyDER) = ImportToken.parse(opened),
              let wrappingKey = try? RSAKeyMaterial(spec: token.wrappingKeySpec, derRepresentation: wrappingKeyDER)
        else {
            throw KMSError(.invalidImportToken, "The import token is invalid or belongs to another KMS key.")
        }
        guard now < token.validTo else {
            throw KMSError(.expiredImportToken, "The import token expired; call GetParametersForImport again.")
        }
        var plaintext = try Self.unwrap(encryptedMaterial, with: wrappingKey, algorithm: token.algorithm)
        defer { plaintext.resetBytes() }
        let material: KeyMaterial
        do {
            material = try KeyMaterial.imported(spec, bytes: plaintext)
        } catch {
            throw KMSError(.incorrectKeyMaterial, "The imported key material is not valid \(spec.rawValue) key material.")
        }
        do {
            let wrapped = try await rootKey.wrap(material, keyID: keyID.uuid, version: version)
            return UnwrappedImport(
                version: StoredKeyVersion(keyID: keyID, version: version, keySpec: spec, wrappingFormat: .current, material: wrapped, createdAt: now),
                fingerprint: material.importFingerprint(keyID: keyID.uuid)
            )
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    /// RSAES-OAEP alone, or RSA_AES_KEY_WRAP: an OAEP-encrypted AES-256 key as
    /// long as the modulus, then the material under it with RFC 5649's key wrap.
    private static func unwrap(_ encrypted: Data, with wrappingKey: RSAKeyMaterial, algorithm: ImportWrappingAlgorithm) throws(KMSError) -> [UInt8] {
        do {
            switch algorithm {
            case .rsaesOAEPSHA1: return Array(try wrappingKey.decrypt(encrypted, hash: .sha1))
            case .rsaesOAEPSHA256: return Array(try wrappingKey.decrypt(encrypted, hash: .sha256))
            case .rsaAESKeyWrapSHA1, .rsaAESKeyWrapSHA256:
                let modulusBytes = wrappingKey.modulusByteCount
                guard encrypted.count > modulusBytes else { throw KMSCryptoError.invalidCiphertext }
                let hash: RSAKeyMaterial.OAEPHash = algorithm == .rsaAESKeyWrapSHA1 ? .sha1 : .sha256
                var aesKey = Array(try wrappingKey.decrypt(encrypted.prefix(modulusBytes), hash: hash))
                defer { aesKey.resetBytes() }
                guard aesKey.count == 32 else { throw KMSCryptoError.invalidCiphertext }
                return try AESKeyWrapWithPadding.unwrap(encrypted.dropFirst(modulusBytes), key: aesKey)
            }
        } catch {
            throw KMSError.invalidCiphertext()
        }
    }
}

/// What an import token binds besides the wrapping key: layout version 1,
/// the algorithm, the wrapping key spec and the expiry (seconds since 1970,
/// big-endian), then the wrapping key's DER private key.
struct ImportToken {
    var algorithm: ImportWrappingAlgorithm
    var wrappingKeySpec: KeySpec
    var validTo: Date

    private static let algorithms = ImportWrappingAlgorithm.allCases
    private static let wrappingKeySpecs: [KeySpec] = [.rsa2048, .rsa3072, .rsa4096]

    static func purpose(_ keyID: KeyID) -> String { "import-token/\(keyID)" }

    var header: [UInt8] {
        let seconds = UInt64(max(0, validTo.timeIntervalSince1970.rounded(.down)))
        return [1, UInt8(Self.algorithms.firstIndex(of: algorithm)!), UInt8(Self.wrappingKeySpecs.firstIndex(of: wrappingKeySpec)!)]
            + (0..<8).reversed().map { UInt8(truncatingIfNeeded: seconds >> ($0 * 8)) }
    }

    static func parse(_ bytes: [UInt8]) -> (ImportToken, [UInt8])? {
        guard bytes.count > 11, bytes[0] == 1, Int(bytes[1]) < algorithms.count, Int(bytes[2]) < wrappingKeySpecs.count else { return nil }
        let seconds = bytes[3..<11].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let token = ImportToken(
            algorithm: algorithms[Int(bytes[1])], wrappingKeySpec: wrappingKeySpecs[Int(bytes[2])],
            validTo: Date(timeIntervalSince1970: TimeInterval(seconds))
        )
        return (token, Array(bytes[11...]))
    }
}
