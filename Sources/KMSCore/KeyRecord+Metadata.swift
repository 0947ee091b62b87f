import KMSCrypto
public import KMSProtocol

extension KeyRecord {
    /// The DescribeKey view of a key; `customKeyStore` is the store of a key in one.
    public func metadata(in environment: ServiceEnvironment, customKeyStore: CustomKeyStoreRecord? = nil) -> KeyMetadata {
        var metadata = KeyMetadata(
            AWSAccountId: environment.accountID,
            KeyId: id.description,
            Arn: environment.keyARN(id),
            CreationDate: createdAt,
            Enabled: state == .enabled,
            Description: description,
            KeyUsage: keyUsage.rawValue,
            KeyState: state.rawValue,
            DeletionDate: deletionDate,
            PendingDeletionWindowInDays: pendingWindowInDays,
            Origin: origin.rawValue,
            KeyManager: "CUSTOMER",
            KeySpec: keySpec.rawValue,
            // As AWS: each list only for the keys whose usage it serves.
            EncryptionAlgorithms: keyUsage == .encryptDecrypt ? keySpec.encryptionAlgorithms : nil,
            MacAlgorithms: keyUsage == .generateVerifyMAC ? keySpec.macAlgorithms : nil,
            MultiRegion: false
        )
        metadata.SigningAlgorithms = keyUsage == .signVerify ? keySpec.signingAlgorithms : nil
        metadata.KeyAgreementAlgorithms = keyUsage == .keyAgreement ? keySpec.keyAgreementAlgorithms : nil
        // A key awaiting its first import has no material yet.
        metadata.CurrentKeyMaterialId = currentVersion == 0 ? nil : KeyRotation.materialID(of: id, version: currentVersion)
        metadata.ExpirationModel = expirationModel?.rawValue
        metadata.ValidTo = validTo
        if let customKeyStoreID {
            metadata.CustomKeyStoreId = customKeyStoreID
            metadata.CloudHsmClusterId = customKeyStore?.cloudHsmClusterID
            metadata.XksKeyConfiguration = xksKeyID.map { XksKeyConfiguration(Id: $0) }
            // As AWS: a key whose store is not connected cannot be used.
            if state == .enabled, !environment.customKeyStores.isConnected(customKeyStoreID) { metadata.KeyState = "Unavailable" }
        }
        return metadata
    }

    /// The write that stores this record in place of `current`: a
    /// compare-and-swap on the revision `current` was read at. None if nothing changed.
    public func writes(replacing current: KeyRecord) -> [StoreWrite] {
        self == current ? [] : [.updateKey(self)]
    }
}

extension KeyMetadata {
    /// As CloudTrail writes `keyMetadata` in response elements.
    var auditFields: AuditFields {
        [
            "aWSAccountId": .string(AWSAccountId),
            "keyId": .string(KeyId),
            "arn": .string(Arn),
            "creationDate": .date(CreationDate),
            "enabled": .bool(Enabled),
            "description": .string(Description),
            "keyUsage": .string(KeyUsage),
            "keyState": .string(KeyState),
            "deletionDate": DeletionDate.map(AuditValue.date),
            "origin": .string(Origin),
            "keyManager": .string(KeyManager),
            "expirationModel": ExpirationModel.map(AuditValue.string),
            "validTo": ValidTo.map(AuditValue.date),
            "customerMasterKeySpec": .string(CustomerMasterKeySpec),
            "keySpec": .string(KeySpec),
            "encryptionAlgorithms": EncryptionAlgorithms.map { .list($0.map(AuditValue.string)) },
            "macAlgorithms": MacAlgorithms.map { .list($0.map(AuditValue.string)) },
            "signingAlgorithms": SigningAlgorithms.map { .list($0.map(AuditValue.string)) },
            "keyAgreementAlgorithms": KeyAgreementAlgorithms.map { .list($0.map(AuditValue.string)) },
            "multiRegion": .bool(MultiRegion),
            "customKeyStoreId": CustomKeyStoreId.map(AuditValue.string),
            "cloudHsmClusterId": CloudHsmClusterId.map(AuditValue.string),
            "xksKeyConfiguration": XksKeyConfiguration.map { .fields(["id": .string($0.Id)]) },
        ]
    }
}
