import Foundation
public import KMSCore

/// Turns an `AuditEvent` into the record CloudTrail would write for it, as
/// bytes, with the fields LookupEvents searches by.
///
/// What goes in is only what the operations declared as audit fields, so a
/// plaintext, data key, private key or secret never reaches the record.
public enum CloudTrailRecord {
    public static let eventVersion = "1.08"

    public static func row(for event: AuditEvent) -> AuditRecordRow {
        let eventID = event.eventID
        let accountID = event.identity.accountID
        let resources = event.resources.compactMap(resource(of:))
        var json = JSONWriter()
        json.beginObject()
        json.member("eventVersion", eventVersion)
        json.key("userIdentity")
        writeIdentity(event.identity, into: &json)
        json.member("eventTime", CloudTrailTime.format(event.eventTime))
        json.member("eventSource", event.eventSource)
        json.member("eventName", event.eventName)
        json.member("awsRegion", event.awsRegion)
        switch event.identity {
        case .service:
            json.member("sourceIPAddress", event.eventSource)
            json.member("userAgent", event.eventSource)
        case .caller, .unauthenticated:
            json.member("sourceIPAddress", event.sourceIPAddress)
            json.member("userAgent", event.userAgent)
        }
        if let errorCode = event.errorCode {
            json.member("errorCode", cloudTrailErrorCode(errorCode))
            json.member("errorMessage", event.errorMessage)
        }
        json.key("requestParameters")
        write(event.requestParameters, into: &json)
        json.key("responseElements")
        write(event.errorCode == nil ? event.responseElements : nil, into: &json)
        json.member("requestID", event.requestID)
        json.member("eventID", eventID)
        json.member("readOnly", event.readOnly)
        if !resources.isEmpty {
            json.key("resources")
            json.beginArray()
            for resource in resources {
                json.beginObject()
                json.member("accountId", accountID)
                json.member("type", resource.type)
                json.member("ARN", resource.name)
                json.endObject()
            }
            json.endArray()
        }
        if case .service = event.identity {
            json.member("eventType", "AwsServiceEvent")
        } else {
            json.member("eventType", "AwsApiCall")
        }
        json.member("managementEvent", true)
        json.member("recipientAccountId", accountID)
        json.member("eventCategory", "Management")
        json.endObject()
        return AuditRecordRow(
            eventID: eventID, eventTime: event.eventTime, eventName: event.eventName, eventSource: event.eventSource,
            readOnly: event.readOnly, username: event.identity.username, accessKeyID: event.identity.accessKeyID,
            resources: resources, body: json.bytes
        )
    }

    /// CloudTrail writes KMS's AccessDeniedException as `AccessDenied`.
    static func cloudTrailErrorCode(_ code: String) -> String {
        code == KMSError.Code.accessDenied.awsName ? "AccessDenied" : code
    }

    /// The CloudTrail resource type of an ARN the request named; nil for `*`.
    static func resource(of arn: String) -> AuditResource? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn" else { return nil }
        let resource = parts[5]
        let type: String? = switch (parts[2], resource.prefix(while: { $0 != "/" })) {
        case ("kms", "key"): "AWS::KMS::Key"
        case ("kms", "alias"): "AWS::KMS::Alias"
        case ("iam", "user"): "AWS::IAM::User"
        case ("iam", "role"): "AWS::IAM::Role"
        case ("iam", "policy"): "AWS::IAM::Policy"
        case ("iam", "root"): "AWS::IAM::Account"
        default: nil
        }
        return type.map { AuditResource(type: $0, name: arn) }
    }

    private static func writeIdentity(_ identity: AuditIdentity, into json: inout JSONWriter) {
        json.beginObject()
        switch identity {
        case .caller(let principal):
            writePrincipal(principal, into: &json)
        case .service(let accountID):
            json.member("accountId", accountID)
            json.member("invokedBy", "kms.amazonaws.com")
        case .unauthenticated(let accessKeyID, let owner?, _):
            writePrincipal(owner, accessKeyID: accessKeyID, into: &json)
        case .unauthenticated(let accessKeyID, nil, _):
            json.member("type", "Unknown")
            json.member("accessKeyId", accessKeyID)
        }
        json.endObject()
    }

    private static func writePrincipal(_ principal: Principal, accessKeyID: String? = nil, into json: inout JSONWriter) {
        json.member("type", principal.kind.rawValue)
        json.member("principalId", principal.principalID)
        json.member("arn", principal.arn)
        json.member("accountId", principal.accountID)
        json.member("accessKeyId", accessKeyID ?? principal.accessKeyID)
        if let userName = principal.userName {
            json.member("userName", userName)
        }
        if let session = principal.session {
            json.key("sessionContext")
            json.beginObject()
            json.key("sessionIssuer")
            json.beginObject()
            json.member("type", "Role")
            json.member("principalId", session.roleID)
            json.member("arn", session.roleARN)
            json.member("accountId", principal.accountID)
            json.member("userName", session.roleName)
            json.endObject()
            json.key("attributes")
            json.beginObject()
            json.member("mfaAuthenticated", "false")
            json.endObject()
            json.endObject()
        }
    }

    private static func write(_ fields: AuditFields?, into json: inout JSONWriter) {
        guard let fields else {
            json.null()
            return
        }
        json.beginObject()
        for (name, value) in fields.entries {
            json.key(name)
            write(value, into: &json)
        }
        json.endObject()
    }

    private static func write(_ value: AuditValue, into json: inout JSONWriter) {
        switch value {
        case .string(let string): json.string(string)
        case .int(let int): json.int(int)
        case .bool(let bool): json.bool(bool)
        case .date(let date): json.string(CloudTrailTime.format(date))
        case .list(let values):
            json.beginArray()
            for value in values { write(value, into: &json) }
            json.endArray()
        case .fields(let fields):
            write(fields, into: &json)
        }
    }
}

extension AuditIdentity {
    var accountID: String {
        switch self {
        case .caller(let principal): principal.accountID
        case .service(let accountID): accountID
        case .unauthenticated(_, _, let accountID): accountID
        }
    }

    /// LookupEvents' `Username`: the user name (`root` for the account), or the role session's name.
    var username: String? {
        switch self {
        case .caller(let principal), .unauthenticated(_, let principal?, _):
            principal.userName ?? principal.session?.sessionName
        case .service, .unauthenticated(_, nil, _):
            nil
        }
    }

    var accessKeyID: String? {
        switch self {
        case .caller(let principal): principal.accessKeyID
        case .service: nil
        case .unauthenticated(let accessKeyID, _, _): accessKeyID
        }
    }
}

extension CloudTrailRecord {
    /// The lookup fields as the record's own content states them: the stored
    /// columns LookupEvents searches must agree, or an event could be hidden
    /// from searches without touching the hashed record. Nil if the bytes are
    /// not a record.
    static func lookupFields(of body: [UInt8]) -> AuditRecordRow? {
        guard let record = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let eventID = record["eventID"] as? String, let eventName = record["eventName"] as? String,
              let eventSource = record["eventSource"] as? String, let readOnly = record["readOnly"] as? Bool,
              let time = record["eventTime"] as? String, let eventTime = ISO8601DateFormatter().date(from: time),
              let identity = record["userIdentity"] as? [String: Any]
        else { return nil }
        let username: String? = switch identity["type"] as? String {
        case "Root"?, "IAMUser"?: identity["userName"] as? String
        case "AssumedRole"?: (identity["arn"] as? String)?.split(separator: "/").last.map(String.init)
        default: nil
        }
        let resources = (record["resources"] as? [[String: Any]] ?? []).compactMap { resource -> AuditResource? in
            guard let type = resource["type"] as? String, let arn = resource["ARN"] as? String else { return nil }
            return AuditResource(type: type, name: arn)
        }
        return AuditRecordRow(
            eventID: eventID, eventTime: eventTime, eventName: eventName, eventSource: eventSource, readOnly: readOnly,
            username: username, accessKeyID: identity["accessKeyId"] as? String, resources: resources, body: body
        )
    }

    /// The names of the stored lookup fields that disagree with the record's content.
    static func mismatchedLookupFields(_ stored: AuditRecordRow) -> [String] {
        guard let stated = lookupFields(of: stored.body) else { return ["record"] }
        var mismatched: [String] = []
        if stored.eventID != stated.eventID { mismatched.append("event_id") }
        if stored.eventName != stated.eventName { mismatched.append("event_name") }
        if stored.eventSource != stated.eventSource { mismatched.append("event_source") }
        if stored.readOnly != stated.readOnly { mismatched.append("read_only") }
        if stored.username != stated.username { mismatched.append("username") }
        if stored.accessKeyID != stated.accessKeyID { mismatched.append("access_key_id") }
        if stored.resources != stated.resources { mismatched.append("resources") }
        // The record states the time to the second.
        if stored.eventTime.timeIntervalSince1970.rounded(.down) != stated.eventTime.timeIntervalSince1970 { mismatched.append("event_time") }
        return mismatched
    }
}
