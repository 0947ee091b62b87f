import KMSCore

enum CreatePolicy: QueryOperation {
    struct Request: Sendable {
        var policyName: String
        var document: String
        var description: String?
    }

    static let service = QueryService.iam
    static let name = "CreatePolicy"
    static let action: String? = "iam:CreatePolicy"

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        let name = try IAMShapes.policyName(parameters)
        let document = try parameters.string("PolicyDocument", length: 1...131_072)!
        try IAMShapes.validateIdentityPolicy(document, maximumSize: 6_144)
        return Request(policyName: name, document: document, description: try parameters.string("Description", length: 0...1000, required: false))
    }

    static func resource(_ request: Request, in identities: Identities) -> String { identities.policyARN(request.policyName) }
    static func auditParameters(_ request: Request) -> AuditFields {
        ["policyName": .string(request.policyName), "policyDocument": .string(request.document), "description": request.description.map(AuditValue.string)]
    }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        let policy = ManagedPolicyRecord(
            arn: context.identities.policyARN(request.policyName), name: request.policyName, id: Identities.generateID(prefix: "ANPA"),
            document: request.document, description: request.description, createdAt: context.request.time
        )
        return QueryOutcome([.element("Policy", IAMShapes.managedPolicy(policy))], writes: [.createManagedPolicy(policy)])
    }
}
