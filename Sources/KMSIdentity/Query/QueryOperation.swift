public import KMSCore

/// One IAM or STS operation over the Query protocol: what the pipeline needs
/// to know about it, and its logic. Like KMS operations, its changes are
/// returned, not made, so they commit with the request's audit record.
public protocol QueryOperation: Sendable {
    associatedtype Request: Sendable

    static var service: QueryService { get }
    static var name: String { get }
    /// The action an identity policy must allow, such as `iam:CreateUser`; nil
    /// for an operation that needs no permission or decides it itself (STS).
    static var action: String? { get }
    static var readOnly: Bool { get }

    /// Reads and checks the parameters; `caller` supplies defaults such as the calling user's name.
    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request
    /// The ARN the action is on, for authorization.
    static func resource(_ request: Request, in identities: Identities) -> String
    /// The request parameters for the audit record; never secrets.
    static func auditParameters(_ request: Request) -> AuditFields
    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome
}

extension QueryOperation {
    public static var readOnly: Bool { false }
}

public struct QueryContext: Sendable {
    public let identities: Identities
    public let request: RequestContext
    public let authorizer: any Authorizer

    public var store: any MetadataStore { identities.store }
    public var caller: Principal { request.principal }

    /// Runs a store read, turning a backend failure into an internal error.
    public func read<T>(_ body: (any MetadataStore) async throws -> T) async throws(KMSError) -> T {
        try await KMSError.fromBackend { try await body(identities.store) }
    }
}

/// The `<ActionResult>` children of the answer, and the store writes to commit first.
public struct QueryOutcome: Sendable {
    public var result: [XMLNode]
    public var writes: [StoreWrite]

    public init(_ result: [XMLNode?] = [], writes: [StoreWrite] = []) {
        self.result = result.compactMap { $0 }
        self.writes = writes
    }
}
