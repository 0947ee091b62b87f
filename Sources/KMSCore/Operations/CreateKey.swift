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
        if request.XksKeyId != nil {
            throw KMSError.unsupported("External key stores (XksKeyId) are not supported by Trent yet.")
        }
        if let storeID = request.CustomKeyStoreId {
            try CustomKeyStores.validateID(storeID)
            guard origin == .awsCloudHSM else {
                throw KMSError.validation("A key in a custom key store needs Origin AWS_CLOUDHSM; Origin \(origin.rawValue) cannot have a CustomKeyStoreId.")
            }
            guard try keySpec(request) == .symmetricDefault else {
                throw KMSError.unsupported("Custom key stores hold only symmetric encryption keys (SYMMETRIC_DEFAULT).")
            }
        } else if origin == .awsCloudHSM {
            throw KMSError.validation("Origin AWS_CLOUDHSM needs the CustomKeyStoreId of an AWS_CLOUDHSM custom key store.")
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
            let store = try await CustomKeyStores.store(request.CustomKeyStoreId ?? "", in: env)
            firstVersion = try await env.createHSMKeyVersion(of: id, in: store, now: now)
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
        return Outcome(
            CreateKeyResponse(KeyMetadata: record.metadata(in: env, customKeyStore: customKeyStore)),
            writes: [.createKey(record, firstVersion: firstVersion)]
        )
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
            throw KMSError.unsupported("Origin \(raw ?? "") is not supported by Trent yet; AWS_KMS, EXTERNAL and AWS_CLOUDHSM are.")
        }
        return origin
    }

    static func defaultPolicy(accountID: String) -> String {
        #"{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(accountID):root"},"Action":"kms:*","Resource":"*"}]}"#
    }
}
