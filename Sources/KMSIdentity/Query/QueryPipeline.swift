public import KMSCore

/// Runs IAM and STS requests: parse the form body, find the operation by
/// `Action`, decode, authorize against identity policies, perform, commit
/// its writes with the audit record, and answer in XML.
public final class QueryPipeline: Sendable {
    public let identities: Identities
    public let authorizer: any Authorizer
    public let auditSink: any AuditSink
    public let region: String

    public init(identities: Identities, authorizer: any Authorizer, auditSink: any AuditSink, region: String) {
        self.identities = identities
        self.authorizer = authorizer
        self.auditSink = auditSink
        self.region = region
    }

    static let operations: [QueryService: [String: any QueryOperation.Type]] = {
        let all: [any QueryOperation.Type] = [
            CreateUser.self, GetUser.self, ListUsers.self, DeleteUser.self, TagUser.self,
            CreateAccessKey.self, ListAccessKeys.self, UpdateAccessKey.self, DeleteAccessKey.self,
            PutUserPolicy.self, GetUserPolicy.self, ListUserPolicies.self, DeleteUserPolicy.self,
            CreatePolicy.self, GetPolicy.self, DeletePolicy.self,
            AttachUserPolicy.self, DetachUserPolicy.self, ListAttachedUserPolicies.self,
            CreateRole.self, GetRole.self, DeleteRole.self, TagRole.self,
            PutRolePolicy.self, GetRolePolicy.self, ListRolePolicies.self, DeleteRolePolicy.self,
            AttachRolePolicy.self, DetachRolePolicy.self, ListAttachedRolePolicies.self,
            GetCallerIdentity.self, AssumeRole.self,
        ]
        return Dictionary(grouping: all, by: { $0.service }).mapValues { operations in
            Dictionary(uniqueKeysWithValues: operations.map { ($0.name, $0) })
        }
    }()

    /// Whether `action` is an operation of `service` here.
    public static func serves(_ action: String, in service: QueryService) -> Bool {
        operations[service]?[action] != nil
    }

    /// Answers one request; on failure, throws the error to encode as `<ErrorResponse>`.
    public func handle(_ service: QueryService, body: [UInt8], context: RequestContext) async throws(KMSError) -> [UInt8] {
        var event = AuditEvent(eventName: "(none)", readOnly: false, context: context, region: region, eventSource: service.eventSource)
        do throws(KMSError) {
            let parameters = try QueryParameters(formBody: body)
            guard let action = parameters["Action"] else {
                throw KMSError.validation("The request must contain the parameter Action.")
            }
            event.eventName = action
            context.trace?.operation = action
            guard let operation = Self.operations[service]?[action] else {
                throw KMSError(.unknownOperation, "Could not find operation \(action) for version \(parameters["Version"] ?? "NO_VERSION_SPECIFIED")")
            }
            if let version = parameters["Version"], version != service.apiVersion {
                throw KMSError(.unknownOperation, "Could not find operation \(action) for version \(version)")
            }
            return try await run(operation, parameters, context: context, event: &event)
        } catch {
            throw await auditSink.recordFailure(error, event)
        }
    }

    private func run<Operation: QueryOperation>(
        _: Operation.Type, _ parameters: QueryParameters, context: RequestContext, event: inout AuditEvent
    ) async throws(KMSError) -> [UInt8] {
        event.readOnly = Operation.readOnly
        let request = try Operation.decode(parameters, caller: context.principal)
        event.requestParameters = Operation.auditParameters(request)
        let resource = Operation.resource(request, in: identities)
        event.resources = [resource]
        if let action = Operation.action {
            try await authorizer.authorize(AuthorizationRequest(action: KMSAction(action), resource: resource, context: context))
        }
        let outcome = try await Operation.perform(request, in: QueryContext(identities: identities, request: context, authorizer: authorizer))
        let committed = try await KMSError.fromBackend { try await auditSink.commit(outcome.writes, recording: event) }
        guard committed else { throw KMSError(.throttling, "Rate exceeded") }
        return Operation.service.response(action: Operation.name, result: outcome.result, requestID: context.requestID)
    }
}
