import Foundation
import KMSCore

/// Issues temporary credentials for a role. The role's trust policy is the
/// resource policy of `sts:AssumeRole`: it may name the caller, or the
/// account, in which case the caller's identity policies must allow it too.
enum AssumeRole: QueryOperation {
    struct Request: Sendable {
        var roleARN: String
        var roleName: String
        var sessionName: String
        var duration: Int?
        var externalID: String?
    }

    static let service = QueryService.sts
    static let name = "AssumeRole"
    static let action: String? = nil
    static let durations = 900...43_200

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        let arn = try parameters.string("RoleArn", length: 20...2048)!
        let prefix = "arn:aws:iam::\(caller.accountID):role/"
        guard arn.hasPrefix(prefix), !arn.dropFirst(prefix.count).isEmpty else {
            throw KMSError.validation("\(arn) is invalid")
        }
        let sessionName = try parameters.string("RoleSessionName", length: 2...64)!
        let allowed = sessionName.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_+=,.@-".unicodeScalars.contains($0)) }
        guard allowed else {
            throw KMSError.validation(
                "1 validation error detected: Value '\(sessionName)' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
            )
        }
        // Session policies and session tags would narrow or label the session;
        // refusing them is safer than issuing credentials that ignore them.
        if parameters["Policy"] != nil || !parameters.list("PolicyArns").isEmpty || parameters["PolicyArns.member.1.arn"] != nil {
            throw KMSError.validation("Session policies are not supported by Trent.")
        }
        if parameters["Tags.member.1.Key"] != nil {
            throw KMSError.validation("Session tags are not supported by Trent.")
        }
        return Request(
            roleARN: arn, roleName: String(arn.dropFirst(prefix.count)).components(separatedBy: "/").last ?? "",
            sessionName: sessionName, duration: try parameters.integer("DurationSeconds", in: durations),
            externalID: try parameters.string("ExternalId", length: 2...1224, required: false)
        )
    }

    static func resource(_ request: Request, in identities: Identities) -> String { request.roleARN }
    static func auditParameters(_ request: Request) -> AuditFields {
        ["roleArn": .string(request.roleARN), "roleSessionName": .string(request.sessionName), "durationSeconds": request.duration.map(AuditValue.int)]
    }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        let deny = KMSError(
            .accessDenied, "User: \(context.caller.arn) is not authorized to perform: sts:AssumeRole on resource: \(request.roleARN)"
        )
        guard let role = try await context.read({ try await $0.role(named: request.roleName) }),
              context.identities.roleARN(role.name) == request.roleARN
        else { throw deny }
        var conditions: [String: [String]] = ["sts:RoleSessionName": [request.sessionName]]
        if let externalID = request.externalID { conditions["sts:ExternalId"] = [externalID] }
        try await context.authorizer.authorize(AuthorizationRequest(
            action: KMSAction("sts:AssumeRole"), resource: request.roleARN, resourcePolicy: role.trustPolicy, context: context.request,
            conditions: conditions
        ))
        let duration = request.duration ?? 3600
        guard duration <= role.maxSessionDuration else {
            throw KMSError.validation(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
            )
        }
        let session = try await context.identities.issueSession(for: role, sessionName: request.sessionName, duration: duration, source: context.caller)
        return QueryOutcome([
            .element("Credentials", [
                .text("AccessKeyId", session.accessKeyID), .text("SecretAccessKey", session.secret), .text("SessionToken", session.token),
                .date("Expiration", session.expiration),
            ]),
            .element("AssumedRoleUser", [.text("AssumedRoleId", session.assumedRoleID), .text("Arn", session.arn)]),
        ])
    }
}
