public import KMSProtocol

extension KeyRecord {
    /// The DescribeKey view of a key.
    public func metadata(in environment: ServiceEnvironment) -> KeyMetadata {
        KeyMetadata(
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
            EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
            MultiRegion: false
        )
    }
}
