import KMSCore

/// The operations IAM offers for users and for roles alike
/// (Put/Get/List/Delete…Policy, Attach/Detach/ListAttached…Policies, Tag…):
/// one implementation, parameterized by the owner's kind.
enum OwnerPolicies {
    struct Inline: Sendable {
        var owner: PolicyOwner
        var policyName: String
        var document: String?
    }

    struct Listing: Sendable {
        var owner: PolicyOwner
        var parameters: QueryParameters
    }

    struct Tagging: Sendable {
        var owner: PolicyOwner
        var tags: [ResourceTag]
    }

    struct Attachment: Sendable {
        var owner: PolicyOwner
        var policyARN: String
    }

    static func owner(_ parameters: QueryParameters, role: Bool) throws(KMSError) -> PolicyOwner {
        role ? .role(try parameters.string("RoleName", length: 1...64)!) : .user(try parameters.string("UserName", length: 1...128)!)
    }

    static func ownerARN(_ owner: PolicyOwner, in identities: Identities) -> String {
        switch owner {
        case .user(let name): identities.userARN(name)
        case .role(let name): identities.roleARN(name)
        }
    }

    static func auditOwner(_ owner: PolicyOwner) -> AuditFields {
        let field = ownerFields(owner)
        return [field.0: field.1]
    }

    static func ownerFields(_ owner: PolicyOwner) -> (String, AuditValue) {
        switch owner {
        case .user(let name): ("userName", .string(name))
        case .role(let name): ("roleName", .string(name))
        }
    }

    static func requireOwner(_ owner: PolicyOwner, in context: QueryContext) async throws(KMSError) {
        switch owner {
        case .user(let name): _ = try await IAMShapes.requireUser(name, in: context)
        case .role(let name): _ = try await IAMShapes.requireRole(name, in: context)
        }
    }

    static func decodeInline(_ parameters: QueryParameters, role: Bool, withDocument: Bool) throws(KMSError) -> Inline {
        let owner = try owner(parameters, role: role)
        let name = try IAMShapes.policyName(parameters)
        guard withDocument else { return Inline(owner: owner, policyName: name) }
        let document = try parameters.string("PolicyDocument", length: 1...131_072)!
        // IAM's quotas for inline policies: 2,048 characters per user, 10,240 per role.
        try IAMShapes.validateIdentityPolicy(document, maximumSize: role ? 10_240 : 2_048)
        return Inline(owner: owner, policyName: name, document: document)
    }

    static func auditInline(_ request: Inline) -> AuditFields {
        let owner = ownerFields(request.owner)
        return [owner.0: owner.1, "policyName": .string(request.policyName), "policyDocument": request.document.map(AuditValue.string)]
    }

    static func put(_ request: Inline, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        try await requireOwner(request.owner, in: context)
        return QueryOutcome(writes: [.putInlinePolicy(request.owner, InlinePolicy(name: request.policyName, document: request.document ?? ""))])
    }

    static func get(_ request: Inline, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        try await requireOwner(request.owner, in: context)
        let policies = try await context.read { try await $0.inlinePolicies(of: request.owner) }
        guard let policy = policies.first(where: { $0.name == request.policyName }) else {
            throw KMSError.notFound("The \(kindName(request.owner)) policy with name \(request.policyName) cannot be found.")
        }
        let ownerNode: XMLNode = switch request.owner {
        case .user(let name): .text("UserName", name)
        case .role(let name): .text("RoleName", name)
        }
        return QueryOutcome([ownerNode, .text("PolicyName", policy.name), .text("PolicyDocument", IAMShapes.policyText(policy.document))])
    }

    static func list(_ owner: PolicyOwner, parameters: QueryParameters, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        try await requireOwner(owner, in: context)
        let names = try await context.read { try await $0.inlinePolicies(of: owner) }.map(\.name)
        let page = try IAMShapes.page(names, key: { $0 }, parameters: parameters)
        return QueryOutcome([.memberTexts("PolicyNames", Array(page.items))] + page.trailer)
    }

    static func delete(_ request: Inline, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        try await requireOwner(request.owner, in: context)
        return QueryOutcome(writes: [.deleteInlinePolicy(request.owner, name: request.policyName)])
    }

    static func decodeAttachment(_ parameters: QueryParameters, role: Bool) throws(KMSError) -> Attachment {
        Attachment(owner: try owner(parameters, role: role), policyARN: try IAMShapes.policyARN(parameters))
    }

    static func auditAttachment(_ request: Attachment) -> AuditFields {
        let owner = ownerFields(request.owner)
        return [owner.0: owner.1, "policyArn": .string(request.policyARN)]
    }

    static func attach(_ request: Attachment, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        try await requireOwner(request.owner, in: context)
        guard try await context.read({ try await $0.managedPolicy(request.policyARN) }) != nil else {
            throw KMSError.notFound("Policy \(request.policyARN) does not exist or is not attachable.")
        }
        return QueryOutcome(writes: [.attachPolicy(request.owner, arn: request.policyARN)])
    }

    static func detach(_ request: Attachment, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        try await requireOwner(request.owner, in: context)
        return QueryOutcome(writes: [.detachPolicy(request.owner, arn: request.policyARN)])
    }

    static func listAttached(_ owner: PolicyOwner, parameters: QueryParameters, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        try await requireOwner(owner, in: context)
        let policies = try await context.read { try await $0.attachedPolicies(of: owner) }
        let page = try IAMShapes.page(policies, key: \.arn, parameters: parameters)
        let items = page.items.map { policy -> [XMLNode] in [.text("PolicyName", policy.name), .text("PolicyArn", policy.arn)] }
        return QueryOutcome([.members("AttachedPolicies", items)] + page.trailer)
    }

    static func decodeTagging(_ parameters: QueryParameters, role: Bool) throws(KMSError) -> Tagging {
        Tagging(owner: try owner(parameters, role: role), tags: try parameters.tags())
    }

    static func auditTagging(_ request: Tagging) -> AuditFields {
        let owner = ownerFields(request.owner)
        return [owner.0: owner.1, "tags": .list(request.tags.map { .fields(["key": .string($0.key), "value": .string($0.value)]) })]
    }

    static func tag(_ request: Tagging, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        try await requireOwner(request.owner, in: context)
        return QueryOutcome(writes: [.tag(request.owner, request.tags)])
    }

    private static func kindName(_ owner: PolicyOwner) -> String {
        switch owner {
        case .user: "user"
        case .role: "role"
        }
    }
}
