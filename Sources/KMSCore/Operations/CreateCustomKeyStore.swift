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
            throw KMSError.unsupported("External key stores (EXTERNAL_KEY_STORE) are not supported by Trent yet.")
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
        ]
    }

    public static func auditResponse(_ response: CreateCustomKeyStoreResponse, in environment: ServiceEnvironment) -> AuditFields? {
        ["customKeyStoreId": .string(response.CustomKeyStoreId)]
    }

    public static func perform(
        _ request: CreateCustomKeyStoreRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<CreateCustomKeyStoreResponse> {
        let env = context.environment
        // validate() has checked that all three are present.
        let cluster = try await CustomKeyStores.cluster(request.CloudHsmClusterId ?? "", in: env)
        guard let presented = certificateDER(fromPEM: request.TrustAnchorCertificate ?? ""),
              presented == certificateDER(fromPEM: cluster.trustAnchorCertificate)
        else {
            throw KMSError(
                .incorrectTrustAnchor,
                "The trust anchor certificate in the request is not the trust anchor certificate for the specified AWS CloudHSM cluster."
            )
        }
        let stores = try await env.storage { try await $0.customKeyStores() }
        guard stores.count < CustomKeyStores.limit else {
            throw KMSError(.limitExceeded, "This account already has \(CustomKeyStores.limit) custom key stores, the most it may have.")
        }
        let clusters = try await env.storage { try await $0.hsmClusters() }
        let inUse = stores.contains { store in
            clusters.contains { $0.id == store.cloudHsmClusterID && CustomKeyStores.related($0, cluster) }
        }
        guard !inUse else {
            throw KMSError(.cloudHsmClusterInUse, "The AWS CloudHSM cluster \(cluster.id) is already associated with a custom key store.")
        }
        let id = CustomKeyStoreRecord.generateID()
        let store = CustomKeyStoreRecord(
            id: id, name: request.CustomKeyStoreName, type: .cloudHSM, cloudHsmClusterID: cluster.id,
            trustAnchorCertificate: request.TrustAnchorCertificate,
            sealedPassword: try await CustomKeyStores.sealPassword(request.KeyStorePassword ?? "", storeID: id, in: env),
            createdAt: env.now()
        )
        return Outcome(CreateCustomKeyStoreResponse(CustomKeyStoreId: id), writes: [.createCustomKeyStore(store)])
    }
}
