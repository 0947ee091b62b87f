import Foundation
import KMSCrypto
public import KMSProtocol

public enum CreateKey: KMSOperation {
    public static let name = OperationName.CreateKey

    public static let action = KMSAction("kms:CreateKey")
    public static let readOnly = false
    public static let keys: [KeySlot<CreateKeyRequest>] = []

    public static func validate(_ request: CreateKeyRequest) throws(KMSError) {
        _ = try keyUsage(request.KeyUsage, for: try keySpec(request))
        let origin = try origin(request.Origin)
        if let xksKeyID = request.XksKeyId {
            try Validate.length(xksKeyID, field: "xksKeyId", in: 1...128)
            try Validate.pattern(xksKeyID, field: "xksKeyId", allowed: [0x61...0x7A, 0x41...0x5A, 0x30...0x39, 0x2D...0x2E, 0x5F...0x5F], pattern: "^[a-zA-Z0-9-_.]+$")
            guard origin == .externalKeyStore else {
                throw KMSError.validation("XksKeyId is valid only for a key of origin EXTERNAL_KEY_STORE.")
            }
        } else if origin == .externalKeyStore {
            throw KMSError.validation("Origin EXTERNAL_KEY_STORE needs the XksKeyId of the external key.")
        }
        if let storeID = request.CustomKeyStoreId {
            try CustomKeyStores.validateID(storeID)
            guard origin == .awsCloudHSM || origin == .externalKeyStore else {
                throw KMSError.validation("A key in a custom key store needs Origin AWS_CLOUDHSM or EXTERNAL_KEY_STORE; Origin \(origin.rawValue) cannot have a CustomKeyStoreId.")
            }
            guard try keySpec(request) == .symmetricDefault else {
                throw KMSError.unsupported("Custom key stores hold only symmetric encryption keys (SYMMETRIC_DEFAULT).")
            }
        } else if origin == .awsCloudHSM || origin == .externalKeyStore {
            throw KMSError.validation("Origin \(origin.rawValue) needs the CustomKeyStoreId of a custom key store of that type.")
        }
        if request.MultiRegion == true {
            throw KMSError.unsupported("Multi-Region keys are not supported by Trent yet.")
        }
        try Validate.length(request.Description ?? "", field: "description", in: 0...8192)
        _ = try KeyTags.validate(request.Tags ?? [])
    }

    public static func conditions(_ request: CreateKeyRequest) -> [String: [String]] {
        var conditions: [String: [String]] = [
            "kms:KeySpec": [request.KeySpec ?? request.CustomerMasterKeySpec ?? KeySpec.symmetricDefault.rawValue],
            "kms:KeyUsage": [request.KeyUsage ?? KeyUsage.encryptDecrypt.rawValue],
            "kms:KeyOrigin": [request.Origin ?? KeyOrigin.awsKMS.rawValue],
            "kms:MultiRegion": [request.MultiRegion == true ? "true" : "false"],
            "kms:BypassPolicyLockoutSafetyCheck": [request.BypassPolicyLockoutSafetyCheck == true ? "true" : "false"],
        ]
        if let tags = request.Tags, !tags.isEmpty { conditions.merge(KeyTags.conditions(tags)) { _, new in new } }
        return conditions
    }

    public static func auditParameters(_ request: CreateKeyRequest) -> AuditFields {
        [
            "description": request.Description.map(AuditValue.string),
            "keyUsage": .string(request.KeyUsage ?? KeyUsage.encryptDecrypt.rawValue),
            "keySpec": .string(request.KeySpec ?? request.CustomerMasterKeySpec ?? KeySpec.symmetricDefault.rawValue),
            "origin": .string(request.Origin ?? KeyOrigin.awsKMS.rawValue),
            "policy": request.Policy.map(AuditValue.string),
            "bypassPolicyLockoutSafetyCheck": request.BypassPolicyLockoutSafetyCheck.map(AuditValue.bool),
            "customKeyStoreId": request.CustomKeyStoreId.map(AuditValue.string),
            "xksKeyId": request.XksKeyId.map(AuditValue.string),
            "multiRegion": request.MultiRegion.map(AuditValue.bool),
            "tags": request.Tags.map(KeyTags.audit),
        ]
    }

    public static func auditResponse(_ response: CreateKeyResponse, in environment: ServiceEnvironment) -> AuditFields? {
        ["keyMetadata": .fields(response.KeyMetadata.auditFields)]
    }

    public static func createdResources(_ response: CreateKeyResponse) -> [String] {
        [response.KeyMetadata.Arn]
    }

    public static func perform(_ request: CreateKeyRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<CreateKeyResponse> {
        let env = context.environment
        let spec = try keySpec(request)
        let now = env.now()
        let id = KeyID.generate()
        // As in AWS KMS, tagging a key as it is created also takes kms:TagResource.
        if let tags = request.Tags, !tags.isEmpty {
            try await context.authorizer.authorize(AuthorizationRequest(
                action: KMSAction("kms:TagResource"), resource: "*", context: context.request, conditions: conditions(request)
            ))
        }
        if let policy = request.Policy {
            try await KeyPolicyRules.validate(policy, in: env)
            try await KeyPolicyRules.checkLockout(policy, keyARN: env.keyARN(id), bypass: request.BypassPolicyLockoutSafetyCheck, in: context)
        }
        let origin = try origin(request.Origin)
        var customKeyStore: CustomKeyStoreRecord?
        let firstVersion: StoredKeyVersion?
        switch origin {
        case .external:
            // No material until it is imported.
            firstVersion = nil
        case .awsCloudHSM:
            let store = try await storeOfType(.cloudHSM, request, in: env)
            firstVersion = try await env.createHSMKeyVersion(of: id, in: store, now: now)
            customKeyStore = store
        case .externalKeyStore:
            let store = try await storeOfType(.externalKeyStore, request, in: env)
            // validate() has checked that it is present.
            try await checkExternalKey(request.XksKeyId ?? "", in: store, context: context)
            firstVersion = try await env.keyStore.createKeyVersion(of: id, version: 1, spec: spec, now: now)
            customKeyStore = store
        case .awsKMS:
            firstVersion = try await env.keyStore.createKeyVersion(of: id, version: 1, spec: spec, now: now)
        }
        var record = KeyRecord(
            id: id, createdAt: now, description: request.Description ?? "", keySpec: spec, keyUsage: try keyUsage(request.KeyUsage, for: spec),
            origin: origin, state: firstVersion == nil ? .pendingImport : .enabled, policy: request.Policy ?? defaultPolicy(accountID: env.accountID),
            currentVersion: firstVersion == nil ? 0 : 1, tags: try KeyTags.validate(request.Tags ?? [])
        )
        record.customKeyStoreID = customKeyStore?.id
        record.xksKeyID = request.XksKeyId
        return Outcome(
            CreateKeyResponse(KeyMetadata: record.metadata(in: env, customKeyStore: customKeyStore)),
            writes: [.createKey(record, firstVersion: firstVersion)]
        )
    }

    private static func storeOfType(
        _ type: CustomKeyStoreType, _ request: CreateKeyRequest, in env: ServiceEnvironment
    ) async throws(KMSError) -> CustomKeyStoreRecord {
        let store = try await CustomKeyStores.store(request.CustomKeyStoreId ?? "", in: env)
        guard store.type == type else {
            throw KMSError.validation("Custom key store \(store.id) is of type \(store.type.rawValue); a key of origin \(request.Origin ?? "") needs one of type \(type.rawValue).")
        }
        let state = env.customKeyStores.state(of: store.id).state
        guard state == .connected else { throw CustomKeyStores.invalidState(store, state, operation: "CreateKey") }
        return store
    }

    /// As AWS: the external key must exist, be AES-256, allow ENCRYPT and DECRYPT, and be enabled.
    private static func checkExternalKey(_ xksKeyID: String, in store: CustomKeyStoreRecord, context: OperationContext) async throws(KMSError) {
        let env = context.environment
        let proxy = try env.customKeyStores.proxy(of: store.id, for: "the new key")
        let metadata: XKSKeyMetadata
        do {
            metadata = try await proxy.keyMetadata(of: xksKeyID, XKSRequestMetadata(
                awsPrincipalArn: context.request.principal.arn, kmsKeyArn: nil, kmsOperation: "CreateKey", kmsRequestId: context.request.requestID
            ))
        } catch {
            switch error {
            case .proxyError("KeyNotFoundException", _):
                throw KMSError(.xksKeyNotFound, "The external key store proxy has no external key \(xksKeyID).")
            case .timedOut:
                throw KMSError(.dependencyTimeout, "The external key store proxy did not answer within 250 ms.")
            default:
                throw KMSError(.customKeyStoreInvalidState, "The external key store proxy of \(store.id) failed: \(error.detail).", underlying: error)
            }
        }
        guard metadata.keySpec == "AES_256", metadata.keyUsage.contains("ENCRYPT"), metadata.keyUsage.contains("DECRYPT"), metadata.keyStatus == "ENABLED" else {
            throw KMSError(
                .xksKeyInvalidConfiguration,
                "The external key \(xksKeyID) is \(metadata.keySpec), \(metadata.keyStatus), usable for \(metadata.keyUsage.joined(separator: ", ")); it must be AES_256, ENABLED, for ENCRYPT and DECRYPT."
            )
        }
    }

    private static func keySpec(_ request: CreateKeyRequest) throws(KMSError) -> KeySpec {
        if let legacy = request.CustomerMasterKeySpec, let spec = request.KeySpec, legacy != spec {
            throw KMSError.validation("You cannot specify KeySpec and CustomerMasterKeySpec in the same request.")
        }
        let raw = request.KeySpec ?? request.CustomerMasterKeySpec ?? KeySpec.symmetricDefault.rawValue
        if let spec = KeySpec(rawValue: raw) { return spec }
        let unsupported = ["SM2", "ML_DSA_44"]
        let supported = KeySpec.allCases.map(\.rawValue)
        try Validate.enumeration(raw, field: "keySpec", allowed: supported + unsupported)
        throw KMSError.unsupported("KeySpec \(raw) is not supported by Trent yet; \(supported.joined(separator: ", ")) are.")
    }

    private static func keyUsage(_ raw: String?, for spec: KeySpec) throws(KMSError) -> KeyUsage {
        let raw = raw ?? KeyUsage.encryptDecrypt.rawValue
        try Validate.enumeration(raw, field: "keyUsage", allowed: ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"])
        guard let usage = KeyUsage(rawValue: raw), spec.keyUsages.contains(usage) else {
            let allowed = spec.keyUsages.map(\.rawValue).sorted().joined(separator: ", ")
            throw KMSError.validation("The operation failed because the KeyUsage value of the CMK is \(raw). To perform this operation, the KeyUsage value must be \(allowed) for KeySpec \(spec.rawValue).")
        }
        return usage
    }

    private static func origin(_ raw: String?) throws(KMSError) -> KeyOrigin {
        try Validate.enumeration(raw, field: "origin", allowed: ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"])
        guard let origin = KeyOrigin(rawValue: raw ?? KeyOrigin.awsKMS.rawValue) else {
            throw KMSError.unsupported("Origin \(raw ?? "") is not supported by Trent yet; AWS_KMS, EXTERNAL, AWS_CLOUDHSM and EXTERNAL_KEY_STORE are.")
        }
        return origin
    }

    static func defaultPolicy(accountID: String) -> String {
        #"{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(accountID):root"},"Action":"kms:*","Resource":"*"}]}"#
    }
}
