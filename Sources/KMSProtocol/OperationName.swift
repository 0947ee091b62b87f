/// Every operation of the AWS KMS API (botocore model kms/2014-11-01), named as
/// in `X-Amz-Target: TrentService.<Name>`.
public enum OperationName: String, Sendable, CaseIterable, Hashable {
    case CancelKeyDeletion, ConnectCustomKeyStore, CreateAlias, CreateCustomKeyStore, CreateGrant
    case CreateKey, Decrypt, DeleteAlias, DeleteCustomKeyStore, DeleteImportedKeyMaterial
    case DeriveSharedSecret, DescribeCustomKeyStores, DescribeKey, DisableKey, DisableKeyRotation
    case DisconnectCustomKeyStore, EnableKey, EnableKeyRotation, Encrypt, GenerateDataKey
    case GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, GenerateDataKeyWithoutPlaintext
    case GenerateMac, GenerateRandom, GetKeyLastUsage, GetKeyPolicy, GetKeyRotationStatus
    case GetParametersForImport, GetPublicKey, ImportKeyMaterial, ListAliases, ListGrants
    case ListKeyPolicies, ListKeyRotations, ListKeys, ListResourceTags, ListRetirableGrants
    case PutKeyPolicy, ReEncrypt, ReplicateKey, RetireGrant, RevokeGrant, RotateKeyOnDemand
    case ScheduleKeyDeletion, Sign, TagResource, UntagResource, UpdateAlias, UpdateCustomKeyStore
    case UpdateKeyDescription, UpdatePrimaryRegion, Verify, VerifyMac

    public static let targetPrefix = "TrentService."

    /// Parses an `X-Amz-Target` header value.
    public init?(target: Substring) {
        guard target.hasPrefix(Self.targetPrefix) else { return nil }
        self.init(rawValue: String(target.dropFirst(Self.targetPrefix.count)))
    }
}
