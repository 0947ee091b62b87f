import KMSCore

enum TagRole: QueryOperation {
    typealias Request = OwnerPolicies.Tagging

    static let service = QueryService.iam
    static let name = "TagRole"
    static let action: String? = "iam:TagRole"

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        try OwnerPolicies.decodeTagging(parameters, role: true)
    }

    static func resource(_ request: Request, in identities: Identities) -> String { OwnerPolicies.ownerARN(request.owner, in: identities) }
    static func auditParameters(_ request: Request) -> AuditFields { OwnerPolicies.auditTagging(request) }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        try await OwnerPolicies.tag(request, in: context)
    }
}
