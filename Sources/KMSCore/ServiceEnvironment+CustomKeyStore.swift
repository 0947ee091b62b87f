import Foundation
import KMSCrypto

/// Keys in a CloudHSM-style custom key store: their AES-256 key is made in the
/// store's token and every encryption and decryption runs there.
extension ServiceEnvironment {
    /// Makes a key in the store's token, labelled with the key ID, and returns
    /// the version that names the store. The store must be connected.
    func createHSMKeyVersion(of id: KeyID, in store: CustomKeyStoreRecord, now: Date) async throws(KMSError) -> StoredKeyVersion {
        let state = customKeyStores.state(of: store.id).state
        guard state == .connected else { throw CustomKeyStores.invalidState(store, state, operation: "CreateKey") }
        try await customKeyStores.token(of: store.id, for: keyARN(id)).generateKey(label: id.description)
        return StoredKeyVersion(
            keyID: id, version: 1, keySpec: .symmetricDefault, wrappingFormat: .customKeyStore, material: Array(store.id.utf8), createdAt: now
        )
    }

    func hsmEncrypt(_ plaintext: Data, under version: StoredKeyVersion, key: ResolvedKey, context: [String: String]) async throws(KMSError) -> Data {
        let token = try customKeyStores.token(of: Self.storeID(of: version), for: key.arn)
        let sealing = HSMEnvelope.sealing(keyID: version.keyID.uuid, keyVersion: version.version, context: context)
        let sealed = try await token.seal(Array(plaintext), key: version.keyID.description, nonce: sealing.nonce, aad: sealing.aad)
        return sealing.blob(ciphertextAndTag: sealed)
    }

    func hsmDecrypt(_ blob: CiphertextBlob, under version: StoredKeyVersion, key: ResolvedKey, context: [String: String]) async throws(KMSError) -> Data {
        let token = try customKeyStores.token(of: Self.storeID(of: version), for: key.arn)
        let opened = try await token.open(
            blob.ciphertext + blob.tag, key: version.keyID.description, nonce: blob.nonce, aad: HSMEnvelope.aad(of: blob, context: context)
        )
        return Data(opened)
    }

    /// Destroys a deleted key's material in its token, when the store is connected; otherwise it stays there, as in AWS.
    func destroyHSMKey(_ record: KeyRecord) async {
        guard let storeID = record.customKeyStoreID, let token = try? customKeyStores.token(of: storeID, for: keyARN(record.id)) else { return }
        try? await token.destroyKey(label: record.id.description)
    }

    private static func storeID(of version: StoredKeyVersion) -> String {
        String(decoding: version.material, as: UTF8.self)
    }
}
