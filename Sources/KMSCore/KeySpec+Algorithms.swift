public import KMSCrypto

extension KeySpec {
    /// What DescribeKey lists as `EncryptionAlgorithms`, and what an
    /// encryption request may name for a key of this spec.
    public var encryptionAlgorithms: [String] {
        switch self {
        case .symmetricDefault: Self.symmetricEncryptionAlgorithms
        }
    }

    private static let symmetricEncryptionAlgorithms = ["SYMMETRIC_DEFAULT"]
}
