public import KMSProtocol

public enum CreateCustomKeyStore: KMSOperation {
    public static let name = OperationName.CreateCustomKeyStore
    public static let action = KMSAction("kms:CreateCustomKeyStore")
    public static let readOnly = false
    public static let keys: [KeySlot<CreateCustomKeyStoreRequest>] = []

    public static func validate(_ request: CreateCustomKeyStoreRequest) throws(KMSError) {
        try CustomKeyStores.validateName(request.CustomKeyStoreName, field: "customKeyStoreName")
        try Validate.enumeration(request.CustomKeyStoreType, field: "customKeyStoreType", allowed: CustomKeyStoreType.allCases.map(\.rawValue))
        if request.CustomKeyStoreType == CustomKeyStoreType.externalKeyStore.rawValue {
            guard request.CloudHsmClusterId == nil, request.TrustAnchorCertificate == nil, request.KeyStorePassword == nil else {
                throw KMSError.validation("CloudHsmClusterId, TrustAnchorCertificate and KeyStorePassword are valid only for an AWS_CLOUDHSM custom key store.")
            }
            try CustomKeyStores.validateConnectivity(request.XksProxyConnectivity)
            guard request.XksProxyConnectivity != nil, let endpoint = request.XksProxyUriEndpoint, let path = request.XksProxyUriPath,
                  let credential = request.XksProxyAuthenticationCredential
            else {
                throw KMSError.validation(
                    "An EXTERNAL_KEY_STORE custom key store needs XksProxyConnectivity, XksProxyUriEndpoint, XksProxyUriPath and XksProxyAuthenticationCredential."
                )
            }
            guard request.XksProxyVpcEndpointServiceName == nil, request.XksProxyVpcEndpointServiceOwner == nil else {
                throw KMSError.validation("XksProxyVpcEndpointServiceName and XksProxyVpcEndpointServiceOwner are valid only with VPC_ENDPOINT_SERVICE connectivity.")
            }
            try CustomKeyStores.validateProxyEndpoint(endpoint)
            try CustomKeyStores.validateProxyPath(path)
            try CustomKeyStores.validateProxyCredential(credential)
            return
        }
        try CustomKeyStores.rejectExternalKeyStoreParameters(
            endpoint: request.XksProxyUriEndpoint, path: request.XksProxyUriPath, vpcService: request.XksProxyVpcEndpointServiceName,
            vpcOwner: request.XksProxyVpcEndpointServiceOwner, credential: request.XksProxyAuthenticationCredential,
            connectivity: request.XksProxyConnectivity
        )
        guard let cluster = request.CloudHsmClusterId, let anchor = request.TrustAnchorCertificate, let password = request.KeyStorePassword else {
            throw KMSError.validation(
                "An AWS_CLOUDHSM custom key store needs CloudHsmClusterId, TrustAnchorCertificate and KeyStorePassword."
            )
        }
        try CustomKeyStores.validateClusterID(cluster)
        try Validate.length(anchor, field: "trustAnchorCertificate", in: 1...5000)
        try CustomKeyStores.validatePassword(password)
    }

    public static func auditParameters(_ request: CreateCustomKeyStoreRequest) -> AuditFields {
        [
            "customKeyStoreName": .string(request.CustomKeyStoreName),
            "customKeyStoreType": request.CustomKeyStoreType.map(AuditValue.string),
            "cloudHsmClusterId": request.CloudHsmClusterId.map(AuditValue.string),
            "trustAnchorCertificate": request.TrustAnchorCertificate.map(AuditValue.string),
            "keyStorePassword": request.KeyStorePassword.map { _ in CustomKeyStores.hiddenPassword },
            "xksProxyConnectivity": request.XksProxyConnectivity.map(AuditValue.string),
            "xksProxyUriEndpoint": request.XksProxyUriEndpoint.map(AuditValue.string),
            "xksProxyUriPath": request.XksProxyUriPath.map(AuditValue.string),
            "xksProxyAuthenticationCredential": request.XksProxyAuthenticationCredential.map { _ in CustomKeyStores.hiddenPassword },
        ]
    }

    public static func auditResponse(_ response: CreateCustomKeyStoreResponse, in environment: ServiceEnvironment) -> AuditFields? {
        ["customKeyStoreId": .string(response.CustomKeyStoreId)]
    }

    public static func perform(
        _ request: CreateCustomKeyStoreRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<CreateCustomKeyStoreResponse> {
        let env = context.environment
        let stores = try await env.storage { try await $0.customKeyStores() }
        guard stores.count < CustomKeyStores.limit else {
            throw KMSError(.limitExceeded, "This account already has \(CustomKeyStores.limit) custom key stores, the most it may have.")
        }
        let id = CustomKeyStoreRecord.generateID()
        let store = request.CustomKeyStoreType == CustomKeyStoreType.externalKeyStore.rawValue
            ? try await externalKeyStore(request, id: id, among: stores, in: context)
            : try await cloudHSMKeyStore(request, id: id, among: stores, in: env)
        return Outcome(CreateCustomKeyStoreResponse(CustomKeyStoreId: id), writes: [.createCustomKeyStore(store)])
    }

    private static func cloudHSMKeyStore(
        _ request: CreateCustomKeyStoreRequest, id: String, among stores: [CustomKeyStoreRecord], in env: ServiceEnvironment
    ) async throws(KMSError) -> CustomKeyStoreRecord {
        let clusters = try await env.storage { try await $0.hsmClusters() }
        // validate() has checked that all three are present.
        let cluster = try CustomKeyStores.cluster(request.CloudHsmClusterId ?? "", among: clusters)
        guard let presented = certificateDER(fromPEM: request.TrustAnchorCertificate ?? ""),
              presented == certificateDER(fromPEM: cluster.trustAnchorCertificate)
        else {
            throw KMSError(
                .incorrectTrustAnchor,
                "The trust anchor certificate in the request is not the trust anchor certificate for the specified AWS CloudHSM cluster."
            )
        }
        let inUse = stores.contains { store in
            clusters.contains { $0.id == store.cloudHsmClusterID && CustomKeyStores.related($0, cluster) }
        }
        guard !inUse else {
            throw KMSError(.cloudHsmClusterInUse, "The AWS CloudHSM cluster \(cluster.id) is already associated with a custom key store.")
        }
        return CustomKeyStoreRecord(
            id: id, name: request.CustomKeyStoreName, type: .cloudHSM, cloudHsmClusterID: cluster.id,
            trustAnchorCertificate: request.TrustAnchorCertificate,
            sealedPassword: try await CustomKeyStores.sealPassword(request.KeyStorePassword ?? "", storeID: id, in: env),
            createdAt: env.now()
        )
    }

    /// As AWS: the proxy must answer a health check with the credential before the store exists.
    private static func externalKeyStore(
        _ request: CreateCustomKeyStoreRequest, id: String, among stores: [CustomKeyStoreRecord], in context: OperationContext
    ) async throws(KMSError) -> CustomKeyStoreRecord {
        let env = context.environment
        guard let uriEndpoint = request.XksProxyUriEndpoint, let uriPath = request.XksProxyUriPath,
              let credential = request.XksProxyAuthenticationCredential
        else { throw KMSError.validation("An EXTERNAL_KEY_STORE custom key store needs its proxy's endpoint, path and credential.") }
        guard !stores.contains(where: { $0.xksProxyURIEndpoint == uriEndpoint }) else {
            throw KMSError(.xksProxyUriEndpointInUse, "The proxy endpoint \(uriEndpoint) is already associated with an external key store.")
        }
        try await CustomKeyStores.checkHealth(
            XKSProxyEndpoint(uriEndpoint: uriEndpoint, uriPath: uriPath, accessKeyID: credential.AccessKeyId, secretAccessKey: credential.RawSecretAccessKey),
            operation: "CreateCustomKeyStore", in: context
        )
        var store = CustomKeyStoreRecord(
            id: id, name: request.CustomKeyStoreName, type: .externalKeyStore, cloudHsmClusterID: nil, trustAnchorCertificate: nil,
            sealedPassword: try await CustomKeyStores.sealPassword(credential.RawSecretAccessKey, storeID: id, in: env), createdAt: env.now()
        )
        store.xksProxyURIEndpoint = uriEndpoint
        store.xksProxyURIPath = uriPath
        store.xksProxyAccessKeyID = credential.AccessKeyId
        return store
    }
}
