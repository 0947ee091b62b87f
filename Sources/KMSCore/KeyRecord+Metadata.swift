import KMSCrypto
public import KMSProtocol

extension KeyRecord {
    /// The DescribeKey view of a key.
    public func metadata(in environment: ServiceEnvironment) -> KeyMetadata {
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
            EncryptionAlgorithms: keySpec.encryptionAlgorithms,
            MultiRegion: false
        )
        metadata.CurrentKeyMaterialId = KeyRotation.materialID(of: id, version: currentVersion)
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
            "customerMasterKeySpec": .string(CustomerMasterKeySpec),
            "keySpec": .string(KeySpec),
            "encryptionAlgorithms": .list(EncryptionAlgorithms.map(AuditValue.string)),
            "multiRegion": .bool(MultiRegion),
        ]
    }
}
