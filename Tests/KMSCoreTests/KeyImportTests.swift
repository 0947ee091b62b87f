import CryptoExtras
import Foundation
import KMSCore
import KMSCrypto
import KMSProtocol
import KMSStorageSQLite
import KMSTestSupport
import Testing

/// Import of key material with the clock moved by hand: the token's 24 hours,
/// and material deleted by the expiry sweep once its ValidTo has passed.
@Suite("Imported key material")
struct KeyImportTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment() }

    func externalKey() async throws -> String {
        try await env.call(CreateKey.self, #"{"Origin":"EXTERNAL"}"#).KeyMetadata.KeyId
    }

    @Test func aTokenIsGoodFor24Hours() async throws {
        let keyID = try await externalKey()
        let late = try await env.importRequest(keyID)
        env.clock.advance(days: 1.001)
        await #expect(throws: KMSError(.expiredImportToken, "")) { _ = try await env.call(ImportKeyMaterial.self, late) }
        _ = try await env.call(ImportKeyMaterial.self, try await env.importRequest(keyID))
        #expect(try await env.call(DescribeKey.self, #"{"KeyId":"\#(keyID)"}"#).KeyMetadata.KeyState == "Enabled")
    }

    @Test func expiredMaterialIsDeletedAndTheKeyWaitsForItAgain() async throws {
        let keyID = try await externalKey()
        let validTo = env.clock.now.addingTimeInterval(10 * 86_400).timeIntervalSinceReferenceDate
        _ = try await env.call(ImportKeyMaterial.self, try await env.importRequest(keyID, #""ValidTo":\#(validTo)"#))
        let sweep = ImportedMaterialExpirySweep(environment: env.environment, audit: env.audit)
        #expect(try await sweep.run().isEmpty)
        env.clock.advance(days: 9.9)
        #expect(try await sweep.run().isEmpty)
        env.clock.advance(days: 0.2)
        #expect(try await sweep.run().map(\.description) == [keyID])
        #expect(try await env.call(DescribeKey.self, #"{"KeyId":"\#(keyID)"}"#).KeyMetadata.KeyState == "PendingImport")
        // The wrapped material itself is gone from the database, not only marked.
        let id = try #require(KeyID(keyID))
        let stored = try #require(try await env.database.keyVersion(id, version: 1))
        #expect(stored.material.isEmpty && stored.imported?.isDeleted == true)
        #expect(try await sweep.run().isEmpty)
        #expect(env.audit.events.filter { $0.eventName == "DeleteExpiredKeyMaterial" }.count == 1)
    }
}

extension TestEnvironment {
    /// The ImportKeyMaterial request for 32 fresh bytes under new parameters, wrapped with RSAES-OAEP SHA-256.
    func importRequest(_ keyID: String, _ expiry: String = #""ExpirationModel":"KEY_MATERIAL_DOES_NOT_EXPIRE""#) async throws -> String {
        let parameters = try await call(
            GetParametersForImport.self, #"{"KeyId":"\#(keyID)","WrappingAlgorithm":"RSAES_OAEP_SHA_256","WrappingKeySpec":"RSA_2048"}"#
        )
        let publicKey = try _RSA.Encryption.PublicKey(derRepresentation: parameters.PublicKey)
        let encrypted = try publicKey.encrypt(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }, padding: .PKCS1_OAEP_SHA256)
        return #"{"KeyId":"\#(keyID)","ImportToken":"\#(parameters.ImportToken.base64EncodedString())","EncryptedKeyMaterial":"\#(encrypted.base64EncodedString())",\#(expiry)}"#
    }
}
