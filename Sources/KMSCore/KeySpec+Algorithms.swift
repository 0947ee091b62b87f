public import KMSCrypto

extension KeySpec {
    /// What DescribeKey lists as `EncryptionAlgorithms`, and what an
    /// encryption request may name for a key of this spec.
    public var encryptionAlgorithms: [String] {
        switch self {
        case .symmetricDefault: ["SYMMETRIC_DEFAULT"]
        case .rsa2048, .rsa3072, .rsa4096: ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
        case .hmac224, .hmac256, .hmac384, .hmac512, .eccNistP256, .eccNistP384, .eccNistP521, .eccNistEdwards25519, .eccSecgP256k1, .mlDsa65, .mlDsa87: []
        }
    }

    /// What DescribeKey lists as `MacAlgorithms`: one for each HMAC spec, none for others.
    public var macAlgorithms: [String] {
        switch self {
        case .hmac224: ["HMAC_SHA_224"]
        case .hmac256: ["HMAC_SHA_256"]
        case .hmac384: ["HMAC_SHA_384"]
        case .hmac512: ["HMAC_SHA_512"]
        case .symmetricDefault, .eccNistP256, .eccNistP384, .eccNistP521, .rsa2048, .rsa3072, .rsa4096, .eccNistEdwards25519, .eccSecgP256k1, .mlDsa65, .mlDsa87: []
        }
    }

    /// What DescribeKey lists as `SigningAlgorithms`: ECDSA with the hash AWS pairs with each curve.
    public var signingAlgorithms: [String] {
        switch self {
        case .eccNistP256, .eccSecgP256k1: ["ECDSA_SHA_256"]
        case .eccNistP384: ["ECDSA_SHA_384"]
        case .eccNistP521: ["ECDSA_SHA_512"]
        case .rsa2048, .rsa3072, .rsa4096: Self.rsaSigningAlgorithms
        case .eccNistEdwards25519: ["ED25519_SHA_512", "ED25519_PH_SHA_512"]
        case .mlDsa65, .mlDsa87: ["ML_DSA_SHAKE_256"]
        case .symmetricDefault, .hmac224, .hmac256, .hmac384, .hmac512: []
        }
    }

    /// What DescribeKey lists as `KeyAgreementAlgorithms`: ECDH on the NIST curves.
    public var keyAgreementAlgorithms: [String] {
        switch self {
        case .eccNistP256, .eccNistP384, .eccNistP521: ["ECDH"]
        default: []
        }
    }

    /// The usages a key of this spec may be created with here.
    public var keyUsages: Set<KeyUsage> {
        switch self {
        case .symmetricDefault: [.encryptDecrypt]
        case .hmac224, .hmac256, .hmac384, .hmac512: [.generateVerifyMAC]
        case .rsa2048, .rsa3072, .rsa4096: [.signVerify, .encryptDecrypt]
        case .eccNistP256, .eccNistP384, .eccNistP521: [.signVerify, .keyAgreement]
        case .eccNistEdwards25519, .eccSecgP256k1, .mlDsa65, .mlDsa87: [.signVerify]
        }
    }

    private static let rsaSigningAlgorithms = [
        "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
        "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
    ]

    public var isRSA: Bool { self == .rsa2048 || self == .rsa3072 || self == .rsa4096 }

    /// Whether the key has a public half (GetPublicKey).
    public var isAsymmetric: Bool { !signingAlgorithms.isEmpty }
}
