import Foundation
import KMSCrypto
import KMSProtocol

/// What the custom key store operations share: lookups with AWS's errors,
/// the sealed password, and validation of the CloudHSM parameters.
public enum CustomKeyStores {
    /// AWS's quota of custom key stores per account and Region.
    static let limit = 10

    static func store(_ id: String, in env: ServiceEnvironment) async throws(KMSError) -> CustomKeyStoreRecord {
        guard let store = try await env.storage({ try await $0.customKeyStore(id) }) else {
            throw KMSError(.customKeyStoreNotFound, "AWS KMS cannot find a custom key store with the specified key store name or ID.")
        }
        return store
    }

    static func cluster(_ id: String, in env: ServiceEnvironment) async throws(KMSError) -> HSMClusterRecord {
        guard let cluster = try await env.storage({ try await $0.hsmClusters() }).first(where: { $0.id == id }) else {
            throw KMSError(.cloudHsmClusterNotFound, "AWS KMS cannot find the AWS CloudHSM cluster with the specified cluster ID (\(id)).")
        }
        return cluster
    }

    static func validateID(_ id: String) throws(KMSError) {
        try Validate.length(id, field: "customKeyStoreId", in: 1...64)
    }

    static func validateName(_ name: String, field: String) throws(KMSError) {
        try Validate.length(name, field: field, in: 1...256)
    }

    static func validateClusterID(_ id: String) throws(KMSError) {
        try Validate.length(id, field: "cloudHsmClusterId", in: 19...24)
        guard id.hasPrefix("cluster-"), id.dropFirst(8).allSatisfy({ $0.isASCII && ($0.isLetter || ("2"..."7").contains($0)) }) else {
            throw KMSError.validation(
                "1 validation error detected: Value '\(id)' at 'cloudHsmClusterId' failed to satisfy constraint: Member must satisfy regular expression pattern: cluster-[2-7a-zA-Z]{11,16}"
            )
        }
    }

    static func validatePassword(_ password: String) throws(KMSError) {
        try Validate.length(password, field: "keyStorePassword", in: 7...32)
    }

    /// The external key store parameters, which Trent does not take yet.
    static func rejectExternalKeyStoreParameters(
        endpoint: String?, path: String?, vpcService: String?, vpcOwner: String?, credential: XksProxyAuthenticationCredential?, connectivity: String?
    ) throws(KMSError) {
        guard endpoint == nil, path == nil, vpcService == nil, vpcOwner == nil, credential == nil, connectivity == nil else {
            throw KMSError.validation("The XksProxy parameters are valid only for a custom key store of type EXTERNAL_KEY_STORE.")
        }
    }

    static func sealPassword(_ password: String, storeID: String, in env: ServiceEnvironment) async throws(KMSError) -> [UInt8] {
        try await env.secrets.seal(Array(password.utf8), purpose: SecretSealer.customKeyStorePasswordPurpose(storeID))
    }

    public static func openPassword(of store: CustomKeyStoreRecord, in env: ServiceEnvironment) async throws(KMSError) -> [UInt8] {
        guard let sealed = store.sealedPassword else {
            throw KMSError.internalFailure(MissingPassword(storeID: store.id))
        }
        do {
            return try await env.secrets.open(sealed, purpose: SecretSealer.customKeyStorePasswordPurpose(store.id))
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    struct MissingPassword: Error, CustomStringConvertible {
        let storeID: String
        var description: String { "custom key store \(storeID) has no stored password" }
    }

    /// Two registrations of one token hold the same keys: AWS's "related clusters".
    static func related(_ a: HSMClusterRecord, _ b: HSMClusterRecord) -> Bool {
        a.tokenSerial == b.tokenSerial && a.tokenLabel == b.tokenLabel
    }

    static func invalidState(_ store: CustomKeyStoreRecord, _ state: CustomKeyStoreConnectionState, operation: String) -> KMSError {
        KMSError(
            .customKeyStoreInvalidState,
            "Custom key store \(store.id) has ConnectionState \(state.rawValue), in which \(operation) is not valid."
        )
    }

    /// CloudTrail writes the password this way rather than leaving it out.
    static let hiddenPassword = AuditValue.string("HIDDEN_DUE_TO_SECURITY_REASONS")
}
