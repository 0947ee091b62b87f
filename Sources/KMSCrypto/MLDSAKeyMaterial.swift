import Crypto
public import Foundation

/// The private key of an ML-DSA signing key version (FIPS 204), stored as its
/// 32-byte seed: ML_DSA_65 and ML_DSA_87, which swift-crypto implements.
/// Signatures are pure ML-DSA over the whole message with an empty context,
/// which is AWS's ML_DSA_SHAKE_256 with MessageType RAW.
public struct MLDSAKeyMaterial: Sendable {
    enum Level: Sendable {
        case mlDsa65(MLDSA65.PrivateKey)
        case mlDsa87(MLDSA87.PrivateKey)
    }

    let level: Level

    public var spec: KeySpec {
        switch level {
        case .mlDsa65: .mlDsa65
        case .mlDsa87: .mlDsa87
        }
    }

    static func generate(_ spec: KeySpec) throws(KMSCryptoError) -> MLDSAKeyMaterial {
        do {
            switch spec {
            case .mlDsa65: return MLDSAKeyMaterial(level: .mlDsa65(try MLDSA65.PrivateKey()))
            case .mlDsa87: return MLDSAKeyMaterial(level: .mlDsa87(try MLDSA87.PrivateKey()))
            default: throw KMSCryptoError.invalidKeyMaterial
            }
        } catch {
            throw .primitiveFailure
        }
    }

    init(level: Level) {
        self.level = level
    }

    /// Only for tests and key import paths that already hold the 32-byte seed.
    public init(spec: KeySpec, seed bytes: [UInt8]) throws(KMSCryptoError) {
        do {
            switch spec {
            case .mlDsa65: level = .mlDsa65(try MLDSA65.PrivateKey(seedRepresentation: bytes, publicKey: nil))
            case .mlDsa87: level = .mlDsa87(try MLDSA87.PrivateKey(seedRepresentation: bytes, publicKey: nil))
            default: throw KMSCryptoError.invalidKeyMaterial
            }
        } catch {
            throw .invalidKeyMaterial
        }
    }

    /// The seed, which the root key wraps; for tests that prove it never reaches storage.
    public func withSeedBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let seed: Data = switch level {
        case .mlDsa65(let key): key.seedRepresentation
        case .mlDsa87(let key): key.seedRepresentation
        }
        return try seed.withUnsafeBytes(body)
    }

    /// The public key as DER SubjectPublicKeyInfo (id-ml-dsa-65 or id-ml-dsa-87, no parameters).
    public var publicKeyDER: Data {
        let (oidLast, raw): (UInt8, Data) = switch level {
        case .mlDsa65(let key): (0x12, key.publicKey.rawRepresentation)
        case .mlDsa87(let key): (0x13, key.publicKey.rawRepresentation)
        }
        let algorithm: [UInt8] = [0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, oidLast]
        let bitString = [0x03] + DER.length(raw.count + 1) + [0x00] + Array(raw)
        let body = algorithm + bitString
        return Data([0x30] + DER.length(body.count) + body)
    }

    public func sign(_ message: Data) throws(KMSCryptoError) -> Data {
        do {
            switch level {
            case .mlDsa65(let key): return try key.signature(for: message)
            case .mlDsa87(let key): return try key.signature(for: message)
            }
        } catch {
            throw .primitiveFailure
        }
    }

    public func isValid(_ signature: Data, for message: Data) -> Bool {
        switch level {
        case .mlDsa65(let key): key.publicKey.isValidSignature(signature, for: message)
        case .mlDsa87(let key): key.publicKey.isValidSignature(signature, for: message)
        }
    }
}

extension MLDSAKeyMaterial: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "KeyMaterial(\(spec.rawValue), redacted)" }
    public var debugDescription: String { description }
}

enum DER {
    /// A DER length: short form below 128, else 0x81 or 0x82 and the bytes.
    static func length(_ count: Int) -> [UInt8] {
        switch count {
        case ..<0x80: [UInt8(count)]
        case ..<0x100: [0x81, UInt8(count)]
        default: [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
        }
    }
}
