public import KMSCrypto

extension KeySpec {
    /// What DescribeKey lists as `EncryptionAlgorithms`, and what an
    /// encryption request may name for a key of this spec.
    public var encryptionAlgorithms: [String] {
        switch self {
        case .symmetricDefault: Self.symmetricEncryptionAlgorithms
        case .hmac256, .hmac384, .hmac512: []
        }
    }

    /// What DescribeKey lists as `MacAlgorithms`: one for each HMAC spec, none for others.
    public var macAlgorithms: [String] {
        switch self {
        case .symmetricDefault: []
        case .hmac256: ["HMAC_SHA_256"]
        case .hmac384: ["HMAC_SHA_384"]
        case .hmac512: ["HMAC_SHA_512"]
        }
    }

    /// The usages a key of this spec may be created with.
    public var keyUsages: Set<KeyUsage> {
        switch self {
        case .symmetricDefault: [.encryptDecrypt]
        case .hmac256, .hmac384, .hmac512: [.generateVerifyMAC]
        }
    }

    /// Whether KMS rotates keys of this spec (automatically and on demand).
    public var rotates: Bool { self == .symmetricDefault }

    private static let symmetricEncryptionAlgorithms = ["SYMMETRIC_DEFAULT"]
}
