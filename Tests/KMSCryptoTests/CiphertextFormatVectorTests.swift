import Foundation
@testable import KMSCrypto
import Testing

/// Fixed keys, salts and nonces mapped to exact blob bytes, produced by Python
/// `cryptography` (Vectors/make_ciphertext_format.py), so the format cannot
/// drift and is checked against an independent implementation.
@Suite("Ciphertext format vectors")
struct CiphertextFormatVectorTests {
    struct Vector: Decodable, CustomTestStringConvertible {
        var name: String
        var material: String
        var keyId: String
        var keyVersion: UInt32
        var salt: String
        var nonce: String
        var plaintext: String
        var context: [String: String]
        var blob: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = loadVectors("ciphertext-format.json")

    @Test(arguments: vectors)
    func sealMatchesReferenceBytes(_ vector: Vector) throws {
        let material = try SymmetricKeyMaterial(unsafeRawBytes: hex(vector.material))
        let blob = try SymmetricEnvelope.seal(
            hex(vector.plaintext), keyID: UUID(uuidString: vector.keyId)!, keyVersion: vector.keyVersion,
            material: material, context: vector.context, salt: hex(vector.salt), nonce: hex(vector.nonce)
        )
        #expect(Array(blob) == hex(vector.blob))
    }

    @Test(arguments: vectors)
    func referenceBytesOpen(_ vector: Vector) throws {
        let material = try SymmetricKeyMaterial(unsafeRawBytes: hex(vector.material))
        let blob = try CiphertextBlob(parsing: hex(vector.blob))
        #expect(blob.keyID == UUID(uuidString: vector.keyId))
        #expect(blob.keyVersion == vector.keyVersion)
        #expect(try SymmetricEnvelope.open(blob, material: material, context: vector.context) == hex(vector.plaintext))
    }
}

/// The vectors in `Vectors/NAME`, beside this file.
func loadVectors<Vector: Decodable>(_ name: String) -> [Vector] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors/\(name)")
    return try! JSONDecoder().decode([Vector].self, from: Data(contentsOf: url))
}

func hex(_ string: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = string.startIndex
    while index < string.endIndex {
        let next = string.index(index, offsetBy: 2)
        bytes.append(UInt8(string[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}
