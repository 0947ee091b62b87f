/// The kind and size of a key's material, named as AWS names key specs.
///
/// It lives beside the key material rather than in the domain layer because
/// the material is typed by it and the root key binds it into every wrapping.
/// Only the specs this release can generate are listed; each later one
/// arrives with the issue that implements its cryptography.
public enum KeySpec: String, Sendable, Hashable, CaseIterable {
    case symmetricDefault = "SYMMETRIC_DEFAULT"
    case hmac224 = "HMAC_224"
    case hmac256 = "HMAC_256"
    case hmac384 = "HMAC_384"
    case hmac512 = "HMAC_512"
    case eccNistP256 = "ECC_NIST_P256"
    case eccNistP384 = "ECC_NIST_P384"
    case eccNistP521 = "ECC_NIST_P521"
    case rsa2048 = "RSA_2048"
    case rsa3072 = "RSA_3072"
    case rsa4096 = "RSA_4096"
    case eccNistEdwards25519 = "ECC_NIST_EDWARDS25519"
    case eccSecgP256k1 = "ECC_SECG_P256K1"
    case mlDsa65 = "ML_DSA_65"
    case mlDsa87 = "ML_DSA_87"
}
