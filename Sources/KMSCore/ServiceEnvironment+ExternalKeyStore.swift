import Foundation
import KMSCrypto

/// Who a request is and what it calls, for the requestMetadata of the XKS
/// proxy calls it leads to; set by the request pipeline around each operation.
enum OperationScope {
    @TaskLocal static var current: (operation: String, request: RequestContext)?
}

/// Keys in an external key store: double encryption, Trent's own key version
/// inside, the external key outside, each call to the proxy within its 250 ms.
extension ServiceEnvironment {
    func xksEncrypt(_ plaintext: Data, under version: StoredKeyVersion, key: ResolvedKey, context: [String: String]) async throws(KMSError) -> Data {
        let (proxy, xksKeyID) = try proxy(for: key)
        let inner = try await keyStore.encrypt(plaintext, under: version, context: context)
        let sealing = HSMEnvelope.sealing(keyID: version.keyID.uuid, keyVersion: version.version, context: context)
        let outer: XKSCiphertext
        do {
            outer = try await proxy.encrypt(Array(inner), key: xksKeyID, aad: sealing.aad, Self.requestMetadata(for: key))
        } catch {
            throw error.cryptographicError(keyARN: key.arn)
        }
        do {
            return try XKSEnvelope.blob(
                sealing, initializationVector: outer.initializationVector, ciphertextMetadata: outer.ciphertextMetadata,
                ciphertext: outer.ciphertext, tag: outer.authenticationTag
            )
        } catch {
            throw XKSProxyFailure.invalidResponse("an initialization vector, metadata or tag of the wrong size").cryptographicError(keyARN: key.arn)
        }
    }

    func xksDecrypt(_ blob: CiphertextBlob, under version: StoredKeyVersion, key: ResolvedKey, context: [String: String]) async throws(KMSError) -> Data {
        let (proxy, xksKeyID) = try proxy(for: key)
        let parts: XKSEnvelope.Parts
        do {
            parts = try XKSEnvelope.parts(of: blob)
        } catch {
            throw KMSError.invalidCiphertext()
        }
        let inner: [UInt8]
        do {
            inner = try await proxy.decrypt(
                XKSCiphertext(
                    ciphertext: parts.ciphertext, initializationVector: parts.initializationVector, authenticationTag: parts.tag,
                    ciphertextMetadata: parts.ciphertextMetadata
                ),
                key: xksKeyID, aad: HSMEnvelope.aad(of: blob, context: context), Self.requestMetadata(for: key)
            )
        } catch {
            throw error.cryptographicError(keyARN: key.arn)
        }
        // The inner blob must be of the same key version as the outer one.
        guard let innerBlob = try? CiphertextBlob(parsing: inner), innerBlob.keyID == blob.keyID, innerBlob.keyVersion == blob.keyVersion else {
            throw KMSError.invalidCiphertext()
        }
        return try await keyStore.decrypt(innerBlob, under: version, context: context)
    }

    private func proxy(for key: ResolvedKey) throws(KMSError) -> (any XKSProxyClient, String) {
        guard let storeID = key.record.customKeyStoreID, let xksKeyID = key.record.xksKeyID else {
            preconditionFailure("\(key.arn) is not in an external key store")
        }
        return (try customKeyStores.proxy(of: storeID, for: key.arn), xksKeyID)
    }

    private static func requestMetadata(for key: ResolvedKey) -> XKSRequestMetadata {
        let scope = OperationScope.current
        return XKSRequestMetadata(
            awsPrincipalArn: scope?.request.principal.arn, kmsKeyArn: key.arn, kmsOperation: scope?.operation ?? "Unknown",
            kmsRequestId: scope?.request.requestID ?? UUID().uuidString.lowercased()
        )
    }
}
