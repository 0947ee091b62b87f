/// Decides whether a request's caller may perform an action: the seam where
/// key policies, identity policies and grants are evaluated.
public protocol Authorizer: Sendable {
    /// Returns if the action is allowed; throws `.accessDenied` if not.
    func authorize(_ request: AuthorizationRequest) async throws(KMSError)
}

/// One action on one key, or on the account when `key` is nil (CreateKey,
/// ListKeys, GenerateRandom).
public struct AuthorizationRequest: Sendable {
    public var action: KMSAction
    public var key: ResolvedKey?
    public var context: RequestContext

    public init(action: KMSAction, key: ResolvedKey?, context: RequestContext) {
        self.action = action
        self.key = key
        self.context = context
    }
}

/// Allows every identity of this account to do everything, as before key
/// policies are evaluated; anyone else is denied.
public struct AccountAuthorizer: Authorizer {
    public let accountID: String

    public init(accountID: String) {
        self.accountID = accountID
    }

    public func authorize(_ request: AuthorizationRequest) async throws(KMSError) {
        let principal = request.context.principal
        guard principal.accountID == accountID else {
            let resource = request.key.map { " on resource: \($0.arn)" } ?? ""
            throw KMSError(.accessDenied, "User: \(principal.arn) is not authorized to perform: \(request.action)\(resource)")
        }
    }
}
