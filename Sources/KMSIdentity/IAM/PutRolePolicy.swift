import KMSCore

enum PutRolePolicy: QueryOperation {
    typealias Request = OwnerPolicies.Inline

    static let service = QueryService.iam
    static let name = "PutRolePolicy"
    static let action: String? = "iam:PutRolePolicy"

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        try OwnerPolicies.decodeInline(parameters, role: true, withDocument: true)
    }

    static func resource(_ request: Request, in identities: Identities) -> String { OwnerPolicies.ownerARN(request.owner, in: identities) }
    static func auditParameters(_ request: Request) -> AuditFields { OwnerPolicies.auditInline(request) }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        try await OwnerPolicies.put(request, in: context)
    }
}
