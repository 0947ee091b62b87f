public import KMSProtocol

/// One AWS KMS operation: its wire shapes, what the request pipeline needs to
/// know about it, and its business logic.
///
/// The metadata sits next to the logic in each operation's file; the
/// `RequestPipeline` uses it to run every operation the same way: decode,
/// validate, resolve keys, authorize, check key state and usage, honour
/// DryRun, perform, audit, encode. `perform` therefore holds only what the
/// operation itself means.
public protocol KMSOperation: Sendable {
    associatedtype Request: Decodable & Sendable
    associatedtype Response: Encodable & Sendable

    static var name: OperationName { get }
    /// The IAM action the caller needs, such as `kms:Encrypt`. Operations on
    /// keys are authorized per key slot, each with its own action.
    static var action: KMSAction { get }
    /// The keys the request names, resolved and checked in this order; empty
    /// for operations on no key (CreateKey, ListKeys, GenerateRandom).
    static var keys: [KeySlot<Request>] { get }
    /// Whether the call only reads, as CloudTrail's `readOnly` says.
    static var readOnly: Bool { get }
    /// Whether `perform` authorizes the caller itself, because who may call
    /// depends on what it finds (RetireGrant); it then honours DryRun too.
    static var authorizesItself: Bool { get }

    /// Checks of the request alone (lengths, enumerations, combinations),
    /// made before any key is looked up.
    static func validate(_ request: Request) throws(KMSError)

    /// Condition keys the request itself supplies for policy evaluation, such
    /// as `kms:GrantOperations` or `aws:RequestTag/*`. The pipeline adds the
    /// key's, the caller's and each key slot's algorithm and encryption context.
    static func conditions(_ request: Request) -> [String: [String]]

    /// Further resources the action is on that are not keys, decided by
    /// identity policies alone: the alias of CreateAlias, UpdateAlias and DeleteAlias.
    static func identityResources(_ request: Request, in environment: ServiceEnvironment) -> [String]

    /// The request parameters for the audit record. Never plaintexts, data
    /// keys, key material or other secrets.
    static func auditParameters(_ request: Request) -> AuditFields

    /// The response elements for the audit record, where CloudTrail has
    /// them; nil for the data plane.
    static func auditResponse(_ response: Response, in environment: ServiceEnvironment) -> AuditFields?

    /// The ARNs of keys the operation made, for the audit record's resources.
    static func createdResources(_ response: Response) -> [String]

    /// The operation itself. Its keys exist, the caller may use them, and they
    /// are in a state and usage it accepts. Changes to the store are returned,
    /// not made: the pipeline commits them together with the audit record.
    static func perform(_ request: Request, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<Response>

    /// Whether the request asks for a dry run. Operations do not implement
    /// it: it follows from the request shape's `DryRunnableRequest` conformance.
    static func isDryRun(_ request: Request) -> Bool

    /// Runs a request body through `pipeline`. Operations do not implement
    /// it: the default below is compiled once for each operation, so the
    /// dispatcher reaches pipeline code specialized for that operation
    /// instead of generic code instantiating types at run time per request.
    static func handle(_ body: [UInt8], context: RequestContext, in pipeline: RequestPipeline) async throws(KMSError) -> [UInt8]
}

extension KMSOperation {
    public static func isDryRun(_ request: Request) -> Bool { false }
    public static var authorizesItself: Bool { false }
    public static func validate(_ request: Request) throws(KMSError) {}
    public static func conditions(_ request: Request) -> [String: [String]] { [:] }
    public static func identityResources(_ request: Request, in environment: ServiceEnvironment) -> [String] { [] }
    public static func auditResponse(_ response: Response, in environment: ServiceEnvironment) -> AuditFields? { nil }
    public static func createdResources(_ response: Response) -> [String] { [] }

    public static func handle(_ body: [UInt8], context: RequestContext, in pipeline: RequestPipeline) async throws(KMSError) -> [UInt8] {
        try await pipeline.handle(Self.self, body: body, context: context)
    }
}

extension KMSOperation where Request: DryRunnableRequest {
    public static func isDryRun(_ request: Request) -> Bool { request.DryRun == true }
}

/// What an operation answers, and the store writes that must be committed,
/// atomically and with the request's audit record, before the answer is given.
public struct Outcome<Response: Sendable>: Sendable {
    public var response: Response
    public var writes: [StoreWrite]

    public init(_ response: Response, writes: [StoreWrite] = []) {
        self.response = response
        self.writes = writes
    }
}

/// An IAM action on AWS KMS, such as `kms:Encrypt`.
public struct KMSAction: Sendable, Hashable, CustomStringConvertible {
    public let description: String
    public init(_ name: String) { description = name }
}

/// The operations this release implements. Every other name in
/// `OperationName` answers UnsupportedOperationException.
public enum KMSOperations {
    public static let implemented: [OperationName: any KMSOperation.Type] = {
        let all: [any KMSOperation.Type] = [
            CreateKey.self, DescribeKey.self, ListKeys.self, EnableKey.self, DisableKey.self,
            ScheduleKeyDeletion.self, CancelKeyDeletion.self, UpdateKeyDescription.self,
            GetKeyPolicy.self, PutKeyPolicy.self, ListKeyPolicies.self, TagResource.self, UntagResource.self, ListResourceTags.self,
            EnableKeyRotation.self, DisableKeyRotation.self, GetKeyRotationStatus.self, RotateKeyOnDemand.self, ListKeyRotations.self,
            GetKeyLastUsage.self,
            CreateGrant.self, ListGrants.self, ListRetirableGrants.self, RetireGrant.self, RevokeGrant.self,
            CreateAlias.self, UpdateAlias.self, DeleteAlias.self, ListAliases.self,
            Encrypt.self, Decrypt.self, ReEncrypt.self, GenerateDataKey.self,
            GenerateDataKeyWithoutPlaintext.self, GenerateRandom.self, GenerateMac.self, VerifyMac.self,
            Sign.self, Verify.self, GetPublicKey.self, GenerateDataKeyPair.self, GenerateDataKeyPairWithoutPlaintext.self,
            DeriveSharedSecret.self, GetParametersForImport.self, ImportKeyMaterial.self, DeleteImportedKeyMaterial.self,
            CreateCustomKeyStore.self, DescribeCustomKeyStores.self, UpdateCustomKeyStore.self, ConnectCustomKeyStore.self,
            DisconnectCustomKeyStore.self, DeleteCustomKeyStore.self,
        ]
        return Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    }()

    /// The same, by the whole `X-Amz-Target` value, so dispatch is one lookup.
    static let byTarget: [String: any KMSOperation.Type] = Dictionary(
        uniqueKeysWithValues: implemented.map { (OperationName.targetPrefix + $0.key.rawValue, $0.value) }
    )

    /// Whether the operation an `X-Amz-Target` names only reads; false if it names none.
    public static func isReadOnly(target: String?) -> Bool {
        target.flatMap { byTarget[$0] }?.readOnly ?? false
    }
}
