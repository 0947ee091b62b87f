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

    static func cluster(_ id: String, among clusters: [HSMClusterRecord]) throws(KMSError) -> HSMClusterRecord {
        guard let cluster = clusters.first(where: { $0.id == id }) else {
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

    /// `https://host[:port]`; `http://` only to a loopback address, for tests. AWS takes no port; Trent does, for proxies not on 443.
    static func validateProxyEndpoint(_ endpoint: String) throws(KMSError) {
        try Validate.length(endpoint, field: "xksProxyUriEndpoint", in: 10...128)
        let plain = endpoint.hasPrefix("http://")
        guard plain || endpoint.hasPrefix("https://") else {
            throw KMSError(.xksProxyInvalidConfiguration, "XksProxyUriEndpoint must begin with https://.")
        }
        let authority = endpoint.dropFirst(plain ? 7 : 8)
        let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let host = parts[0]
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }),
              parts.count == 1 || (UInt16(parts[1]).map { $0 > 0 } ?? false)
        else {
            throw KMSError.validation("1 validation error detected: Value at 'xksProxyUriEndpoint' failed to satisfy constraint: Member must satisfy regular expression pattern: ^https://[a-zA-Z0-9.-]+$")
        }
        if plain, !["127.0.0.1", "localhost"].contains(host), !host.hasPrefix("127.") {
            throw KMSError(.xksProxyInvalidConfiguration, "An external key store proxy is reached over HTTPS; plain http:// is accepted only for a loopback address.")
        }
    }

    static func validateProxyPath(_ path: String) throws(KMSError) {
        try Validate.length(path, field: "xksProxyUriPath", in: 10...128)
        let pattern = #/(/[a-zA-Z0-9/_-]+)?/kms/xks/v\d{1,2}/#
        guard path.wholeMatch(of: pattern) != nil else {
            throw KMSError.validation(#"1 validation error detected: Value at 'xksProxyUriPath' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(/[a-zA-Z0-9\/_-]+/kms/xks/v\d{1,2})$|^(/kms/xks/v\d{1,2})$"#)
        }
    }

    static func validateProxyCredential(_ credential: XksProxyAuthenticationCredential) throws(KMSError) {
        try Validate.length(credential.AccessKeyId, field: "xksProxyAuthenticationCredential.accessKeyId", in: 20...30)
        try Validate.pattern(
            credential.AccessKeyId, field: "xksProxyAuthenticationCredential.accessKeyId", allowed: [0x41...0x5A, 0x32...0x37], pattern: "^[A-Z2-7]+$"
        )
        try Validate.length(credential.RawSecretAccessKey, field: "xksProxyAuthenticationCredential.rawSecretAccessKey", in: 43...64)
        try Validate.pattern(
            credential.RawSecretAccessKey, field: "xksProxyAuthenticationCredential.rawSecretAccessKey",
            allowed: [0x61...0x7A, 0x41...0x5A, 0x30...0x39, 0x2F...0x2F, 0x2B...0x2B, 0x3D...0x3D], pattern: "^[a-zA-Z0-9\\/+=]+$"
        )
    }

    static func validateConnectivity(_ connectivity: String?) throws(KMSError) {
        try Validate.enumeration(connectivity, field: "xksProxyConnectivity", allowed: ["PUBLIC_ENDPOINT", "VPC_ENDPOINT_SERVICE"])
        if connectivity == "VPC_ENDPOINT_SERVICE" {
            throw KMSError.unsupported("Trent reaches external key store proxies over their public endpoint only (PUBLIC_ENDPOINT); VPC_ENDPOINT_SERVICE is AWS's own network.")
        }
    }

    /// The proxy of an external key store, its secret opened.
    public static func proxyEndpoint(of store: CustomKeyStoreRecord, in env: ServiceEnvironment) async throws(KMSError) -> XKSProxyEndpoint {
        guard let endpoint = store.xksProxyURIEndpoint, let path = store.xksProxyURIPath, let accessKeyID = store.xksProxyAccessKeyID else {
            throw KMSError.internalFailure(MissingPassword(storeID: store.id))
        }
        let secret = try await openPassword(of: store, in: env)
        return XKSProxyEndpoint(uriEndpoint: endpoint, uriPath: path, accessKeyID: accessKeyID, secretAccessKey: String(decoding: secret, as: UTF8.self))
    }

    /// A health check of a proxy, as CreateCustomKeyStore and UpdateCustomKeyStore make one, failing with AWS's management errors.
    static func checkHealth(_ endpoint: XKSProxyEndpoint, operation: String, in context: OperationContext) async throws(KMSError) {
        let metadata = XKSRequestMetadata(awsPrincipalArn: nil, kmsKeyArn: nil, kmsOperation: operation, kmsRequestId: context.request.requestID)
        do {
            try await context.environment.customKeyStores.checkHealth(of: endpoint, metadata)
        } catch {
            throw error.managementError
        }
    }

    /// The external key store parameters, which only EXTERNAL_KEY_STORE takes.
    static func rejectExternalKeyStoreParameters(
        endpoint: String?, path: String?, vpcService: String?, vpcOwner: String?, credential: XksProxyAuthenticationCredential?, connectivity: String?
    ) throws(KMSError) {
        guard endpoint == nil, path == nil, vpcService == nil, vpcOwner == nil, credential == nil, connectivity == nil else {
            throw KMSError.validation("The XksProxy parameters are valid only for a custom key store of type EXTERNAL_KEY_STORE.")
        }
    }

    static func sealPassword(_ password: String, storeID: String, in env: ServiceEnvironment) async throws(KMSError) -> [UInt8] {
        try await env.secrets.seal(Array(password.utf8), purpose: SecretSealer.customKeyStoreSecretPurpose(storeID))
    }

    public static func openPassword(of store: CustomKeyStoreRecord, in env: ServiceEnvironment) async throws(KMSError) -> [UInt8] {
        guard let sealed = store.sealedPassword else {
            throw KMSError.internalFailure(MissingPassword(storeID: store.id))
        }
        do {
            return try await env.secrets.open(sealed, purpose: SecretSealer.customKeyStoreSecretPurpose(store.id))
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    struct MissingPassword: Error, CustomStringConvertible {
        let storeID: String
        var description: String { "custom key store \(storeID) has no stored password or proxy configuration" }
    }

    /// Two registrations of one token hold the same keys: AWS's "related clusters".
    static func related(_ a: HSMClusterRecord, _ b: HSMClusterRecord) -> Bool {
        a.tokenSerial == b.tokenSerial && a.tokenLabel == b.tokenLabel
    }

    /// The list entry DescribeCustomKeyStores answers for a store.
    static func listEntry(_ store: CustomKeyStoreRecord, in env: ServiceEnvironment) -> CustomKeyStoresListEntry {
        let (state, error) = env.customKeyStores.state(of: store.id)
        var entry = CustomKeyStoresListEntry(
            CustomKeyStoreId: store.id, CustomKeyStoreName: store.name, CloudHsmClusterId: store.cloudHsmClusterID,
            TrustAnchorCertificate: store.trustAnchorCertificate, ConnectionState: state.rawValue,
            ConnectionErrorCode: error?.rawValue, CreationDate: store.createdAt, CustomKeyStoreType: store.type.rawValue
        )
        if let endpoint = store.xksProxyURIEndpoint, let path = store.xksProxyURIPath, let accessKeyID = store.xksProxyAccessKeyID {
            entry.XksProxyConfiguration = XksProxyConfiguration(
                Connectivity: "PUBLIC_ENDPOINT", AccessKeyId: accessKeyID, UriEndpoint: endpoint, UriPath: path
            )
        }
        return entry
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
