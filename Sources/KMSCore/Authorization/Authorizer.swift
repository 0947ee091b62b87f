/// Decides whether a request's caller may perform an action: the seam where
/// key policies, identity policies and grants are evaluated.
public protocol Authorizer: Sendable {
    /// Returns if the action is allowed; throws `.accessDenied` if not.
    func authorize(_ request: AuthorizationRequest) async throws(KMSError)
}

/// One action on one resource: a key (whose policy and grants then count),
/// an IAM entity, or `*` for actions on no resource (CreateKey, ListKeys).
public struct AuthorizationRequest: Sendable {
    public var action: KMSAction
    public var resource: String
    public var key: ResolvedKey?
    /// The resource's policy: the key policy of `key`, or a role's trust policy.
    public var resourcePolicy: String?
    public var context: RequestContext
    /// The request's own condition keys, such as `kms:EncryptionAlgorithm`
    /// or `kms:EncryptionContext:purpose`; multi-valued keys list every value.
    public var conditions: [String: [String]]
    /// The request's encryption context, which a grant's constraints must admit.
    public var encryptionContext: [String: String]
    /// `kms:EncryptionAlgorithm`, and `kms:RequestAlias` when the key was named
    /// by an alias: apart from `conditions`, so the data plane builds no dictionary.
    public var encryptionAlgorithm: String?
    public var requestAlias: String?
    /// False to ask whether policies alone allow the action: CreateGrant asks,
    /// because a grant may only pass on what it holds itself.
    public var considersGrants = true

    public init(
        action: KMSAction, resource: String, key: ResolvedKey? = nil, resourcePolicy: String? = nil, context: RequestContext, conditions: [String: [String]] = [:],
        encryptionContext: [String: String] = [:], encryptionAlgorithm: String? = nil, requestAlias: String? = nil
    ) {
        self.action = action
        self.resource = resource
        self.key = key
        self.resourcePolicy = resourcePolicy ?? key?.record.policy
        self.context = context
        self.conditions = conditions
        self.encryptionContext = encryptionContext
        self.encryptionAlgorithm = encryptionAlgorithm
        self.requestAlias = requestAlias
    }
}
