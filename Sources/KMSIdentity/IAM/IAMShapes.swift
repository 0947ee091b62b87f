import Foundation
import KMSCore
import KMSPolicy

/// IAM's response shapes and the checks its operations share.
enum IAMShapes {
    static func user(_ user: UserRecord, arn: String, withTags: Bool = true) -> [XMLNode] {
        var nodes: [XMLNode] = [
            .text("Path", "/"), .text("UserName", user.name), .text("UserId", user.id), .text("Arn", arn), .date("CreateDate", user.createdAt),
        ]
        if withTags, !user.tags.isEmpty { nodes.append(tags(user.tags)) }
        return nodes
    }

    static func role(_ role: RoleRecord, arn: String) -> [XMLNode] {
        var nodes: [XMLNode] = [
            .text("Path", "/"), .text("RoleName", role.name), .text("RoleId", role.id), .text("Arn", arn),
            .date("CreateDate", role.createdAt), .text("AssumeRolePolicyDocument", policyText(role.trustPolicy)),
            .text("MaxSessionDuration", String(role.maxSessionDuration)),
        ]
        if let description = role.description { nodes.append(.text("Description", description)) }
        if !role.tags.isEmpty { nodes.append(tags(role.tags)) }
        return nodes
    }

    static func managedPolicy(_ policy: ManagedPolicyRecord) -> [XMLNode] {
        [
            .text("PolicyName", policy.name), .text("PolicyId", policy.id), .text("Arn", policy.arn), .text("Path", "/"),
            .text("DefaultVersionId", "v1"), .text("AttachmentCount", String(policy.attachmentCount)),
            .text("PermissionsBoundaryUsageCount", "0"), .bool("IsAttachable", true), .text("Description", policy.description),
            .date("CreateDate", policy.createdAt), .date("UpdateDate", policy.createdAt),
        ].compactMap { $0 }
    }

    static func tags(_ tags: [ResourceTag]) -> XMLNode {
        .members("Tags", tags.map { [.text("Key", $0.key), .text("Value", $0.value)] })
    }

    /// IAM returns policy documents URL-encoded (RFC 3986); SDKs decode them.
    static func policyText(_ document: String) -> String {
        document.addingPercentEncoding(withAllowedCharacters: unreserved) ?? document
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// A page of `items` after `marker` (the sort key of the last item of the
    /// previous page), with IsTruncated and the next Marker.
    static func page<Item>(
        _ items: [Item], key: (Item) -> String, parameters: QueryParameters
    ) throws(KMSError) -> (items: ArraySlice<Item>, trailer: [XMLNode]) {
        let limit = try parameters.integer("MaxItems", in: 1...1000) ?? 100
        let marker = try parameters.string("Marker", length: 1...320, required: false)
        let start = marker.map { marker in items.firstIndex { key($0) > marker } ?? items.endIndex } ?? items.startIndex
        let end = min(start + limit, items.endIndex)
        let slice = items[start..<end]
        var trailer: [XMLNode] = [.bool("IsTruncated", end < items.endIndex)]
        if end < items.endIndex, let last = slice.last { trailer.append(.text("Marker", key(last))) }
        return (slice, trailer)
    }

    /// Checks an identity policy as IAM does: size, then grammar.
    static func validateIdentityPolicy(_ document: String, maximumSize: Int) throws(KMSError) {
        let size = document.unicodeScalars.count { !$0.properties.isWhitespace }
        guard size <= maximumSize else {
            throw KMSError(.limitExceeded, "Maximum policy size of \(maximumSize) bytes exceeded.")
        }
        do {
            _ = try PolicyDocument.parse(document, kind: .identity)
        } catch {
            throw KMSError(.malformedPolicyDocument, error.message)
        }
    }

    /// Checks a role's trust policy, a resource policy for `sts:AssumeRole`.
    static func validateTrustPolicy(_ document: String) throws(KMSError) {
        guard document.unicodeScalars.count(where: { !$0.properties.isWhitespace }) <= 2048 else {
            throw KMSError(.limitExceeded, "Cannot exceed quota for ACLSizePerRole: 2048")
        }
        do {
            _ = try PolicyDocument.parse(document, kind: .resource)
        } catch {
            throw KMSError(.malformedPolicyDocument, error.message)
        }
    }

    /// The user a request names, or the caller when it names none (as IAM
    /// defaults GetUser, ListAccessKeys and the access key operations).
    static func userName(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> String {
        if let name = try parameters.string("UserName", length: 1...128, required: false) { return name }
        guard let own = caller.userName else {
            throw KMSError.validation("Must specify userName when calling with non-User credentials")
        }
        return own
    }

    static func policyName(_ parameters: QueryParameters) throws(KMSError) -> String {
        let name = try parameters.required("PolicyName")
        try Identities.validateName(name, of: "Policy", maximum: 128)
        return name
    }

    static func policyARN(_ parameters: QueryParameters) throws(KMSError) -> String {
        guard let arn = try parameters.string("PolicyArn", length: 20...2048), arn.hasPrefix("arn:aws:iam::") else {
            throw KMSError.validation("ARN \(parameters["PolicyArn"] ?? "") is not valid.")
        }
        return arn
    }

    static func noSuchUser(_ name: String) -> KMSError { .notFound("The user with name \(name) cannot be found.") }
    static func noSuchRole(_ name: String) -> KMSError { .notFound("The role with name \(name) cannot be found.") }

    static func requireUser(_ name: String, in context: QueryContext) async throws(KMSError) -> UserRecord {
        guard name != Identities.rootUserName || context.caller.kind == .root,
              let user = try await context.read({ try await $0.user(named: name) })
        else { throw noSuchUser(name) }
        return user
    }

    static func requireRole(_ name: String, in context: QueryContext) async throws(KMSError) -> RoleRecord {
        guard let role = try await context.read({ try await $0.role(named: name) }) else { throw noSuchRole(name) }
        return role
    }
}
