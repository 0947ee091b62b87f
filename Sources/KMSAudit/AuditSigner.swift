public import Crypto
import Foundation
public import KMSCore
import KMSCrypto

/// Signs the audit trail's seals with the data directory's audit signing key,
/// an ECDSA P-256 key made on first start. Its private part is stored only
/// sealed under the root key; its public part is stored in the clear, so
/// that `trent audit verify` and `trent audit public-key` need no secret.
public struct AuditSigner: Sendable {
    public static let privateKeySetting = "audit-signing-key"
    static let publicKeySetting = "audit-public-key"
    public static let sealPurpose = "audit-signing-key"

    private let privateKey: P256.Signing.PrivateKey
    public var publicKey: P256.Signing.PublicKey { privateKey.publicKey }

    public init(privateKey: P256.Signing.PrivateKey) {
        self.privateKey = privateKey
    }

    /// The data directory's signing key, made and stored if it has none. If
    /// two processes start at once, both end up with the one stored first.
    public static func load(store: any MetadataStore, sealer: SecretSealer) async throws -> AuditSigner {
        let fresh = P256.Signing.PrivateKey()
        let sealed = try await store.initializeSetting(
            privateKeySetting, to: try await sealer.seal(fresh.rawRepresentation, purpose: sealPurpose)
        )
        let privateKey: P256.Signing.PrivateKey
        do {
            privateKey = try P256.Signing.PrivateKey(rawRepresentation: try await sealer.open(sealed, purpose: sealPurpose))
        } catch {
            throw KMSError(.internalFailure, "The audit signing key does not open with this root key.", underlying: error)
        }
        let stored = try await store.initializeSetting(publicKeySetting, to: Array(privateKey.publicKey.derRepresentation))
        guard stored == Array(privateKey.publicKey.derRepresentation) else {
            throw KMSError(.internalFailure, "The stored audit public key does not match the audit signing key.")
        }
        return AuditSigner(privateKey: privateKey)
    }

    /// The public key as stored, without the root key; nil before the first start.
    public static func storedPublicKey(in store: any MetadataStore) async throws -> P256.Signing.PublicKey? {
        guard let der = try await store.setting(publicKeySetting) else { return nil }
        return try P256.Signing.PublicKey(derRepresentation: der)
    }

    /// A seal of `kind` over the chain as `basis` describes it.
    public func seal(_ kind: AuditSeal.Kind, _ basis: AuditSealBasis) throws -> AuditSeal {
        let body = SealBody(kind: kind, basis: basis).encoded()
        let signature = try privateKey.signature(for: SHA256.hash(data: body))
        return AuditSeal(
            number: basis.number, kind: kind, lastSequence: basis.lastSequence ?? 0, time: basis.time, body: body,
            signature: Array(signature.derRepresentation)
        )
    }
}

/// What a seal states, as signed: a small JSON document.
struct SealBody: Hashable {
    var kind: AuditSeal.Kind
    var number: Int64
    /// The records a digest covers are those after `firstSequence - 1` up to `lastSequence`.
    var firstSequence: Int64
    var lastSequence: Int64
    var lastHash: [UInt8]
    var previousSealHash: [UInt8]
    var time: Date

    static let format = "trent-audit-seal-v1"

    init(kind: AuditSeal.Kind, basis: AuditSealBasis) {
        self.kind = kind
        self.number = basis.number
        self.firstSequence = basis.previousDigestSequence + 1
        self.lastSequence = basis.lastSequence ?? 0
        self.lastHash = basis.lastHash ?? AuditChain.genesis
        self.previousSealHash = basis.previousSealHash
        self.time = basis.time
    }

    func encoded() -> [UInt8] {
        var json = JSONWriter(capacity: 400)
        json.beginObject()
        json.member("format", Self.format)
        json.member("kind", kind.rawValue)
        json.key("number")
        json.int(Int(number))
        json.key("firstSequence")
        json.int(Int(firstSequence))
        json.key("lastSequence")
        json.int(Int(lastSequence))
        json.member("lastHash", hexEncoded(lastHash))
        json.member("previousSealHash", hexEncoded(previousSealHash))
        json.member("time", CloudTrailTime.format(time))
        json.key("timeSeconds")
        json.int(Int(time.timeIntervalSince1970))
        json.endObject()
        return json.bytes
    }

    /// Reads a body back; nil if it is not one this version wrote.
    init?(decoding body: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              object["format"] as? String == Self.format,
              let kind = (object["kind"] as? String).flatMap(AuditSeal.Kind.init(rawValue:)),
              let number = (object["number"] as? NSNumber)?.int64Value,
              let first = (object["firstSequence"] as? NSNumber)?.int64Value,
              let last = (object["lastSequence"] as? NSNumber)?.int64Value,
              let lastHash = (object["lastHash"] as? String).flatMap(Hex.decode),
              let previous = (object["previousSealHash"] as? String).flatMap(Hex.decode),
              let seconds = (object["timeSeconds"] as? NSNumber)?.doubleValue
        else { return nil }
        self.kind = kind
        self.number = number
        self.firstSequence = first
        self.lastSequence = last
        self.lastHash = lastHash
        self.previousSealHash = previous
        self.time = Date(timeIntervalSince1970: seconds)
    }
}

/// Reads back the hex that KMSCrypto's `hexEncoded` writes in seals.
enum Hex {
    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        for index in stride(from: 0, to: utf8.count, by: 2) {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
