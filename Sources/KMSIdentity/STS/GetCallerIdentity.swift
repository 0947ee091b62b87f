import KMSCore

/// Needs no permission: every caller may ask who it is.
enum GetCallerIdentity: QueryOperation {
    struct Request: Sendable {}

    static let service = QueryService.sts
    static let name = "GetCallerIdentity"
    static let action: String? = nil
    static let readOnly = true

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request { Request() }
    static func resource(_ request: Request, in identities: Identities) -> String { "*" }
    static func auditParameters(_ request: Request) -> AuditFields { [:] }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        let caller = context.caller
        return QueryOutcome([.text("UserId", caller.principalID), .text("Account", caller.accountID), .text("Arn", caller.arn)])
    }
}
