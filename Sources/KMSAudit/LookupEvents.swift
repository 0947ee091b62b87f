import Foundation
public import KMSCore
import KMSCrypto

/// CloudTrail's LookupEvents over the audit trail, on the KMS endpoint
/// (JSON 1.1, SigV4 service `cloudtrail`): at most one lookup attribute, a
/// time window, newest first, 50 a page.
///
/// Reading the audit is itself authorized (`cloudtrail:LookupEvents`, which
/// the account root has) and recorded.
public final class CloudTrailAPI: Sendable {
    public static let targetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."
    static let action = KMSAction("cloudtrail:LookupEvents")
    static let eventSource = "cloudtrail.amazonaws.com"

    let store: any MetadataStore
    let authorizer: any Authorizer
    let auditSink: any AuditSink
    let region: String

    public init(store: any MetadataStore, authorizer: any Authorizer, auditSink: any AuditSink, region: String) {
        self.store = store
        self.authorizer = authorizer
        self.auditSink = auditSink
        self.region = region
    }

    public func handle(target: String?, body: [UInt8], context: RequestContext) async throws(KMSError) -> [UInt8] {
        let operation = target.map { $0.hasPrefix(Self.targetPrefix) ? String($0.dropFirst(Self.targetPrefix.count)) : $0 } ?? "(none)"
        var event = AuditEvent(eventName: operation, readOnly: true, context: context, region: region, eventSource: Self.eventSource)
        do throws(KMSError) {
            guard operation == "LookupEvents", target?.hasPrefix(Self.targetPrefix) == true else {
                throw KMSError(.unknownOperation, "Operation \(target ?? "(none)") is not served: Trent's CloudTrail offers LookupEvents only.")
            }
            let request = try WireCodec.decode(LookupEventsRequest.self, from: body)
            event.requestParameters = request.auditParameters
            let query = try request.query()
            try await authorizer.authorize(AuthorizationRequest(action: Self.action, resource: "*", context: context))
            let response = try await lookUp(query, request: request)
            guard try await KMSError.fromBackend({ try await auditSink.commit([], recording: event) }) else {
                throw KMSError(.throttling, "Rate exceeded")
            }
            return try WireCodec.encode(response)
        } catch {
            throw await auditSink.recordFailure(error, event)
        }
    }

    private func lookUp(_ query: AuditQuery?, request: LookupEventsRequest) async throws(KMSError) -> LookupEventsResponse {
        // Trent has no Insights events.
        guard var query else { return LookupEventsResponse(events: [], nextToken: nil) }
        let fingerprint = request.fingerprint
        if let token = request.nextToken {
            query.beforeSequence = try PageToken.open(token, fingerprint: fingerprint)
        }
        let limit = query.limit
        query.limit = limit + 1
        let found = try await KMSError.fromBackend { try await store.lookupAuditRecords(query) }
        let page = found.prefix(limit)
        let next = found.count > limit ? page.last.map { PageToken.make(before: $0.sequence, fingerprint: fingerprint) } : nil
        return LookupEventsResponse(events: page.map(LookupEventsResponse.Event.init), nextToken: next)
    }
}

struct LookupEventsRequest: Decodable, Sendable {
    struct LookupAttribute: Decodable, Sendable {
        var attributeKey: String?
        var attributeValue: String?

        enum CodingKeys: String, CodingKey {
            case attributeKey = "AttributeKey"
            case attributeValue = "AttributeValue"
        }
    }

    var lookupAttributes: [LookupAttribute]?
    var startTime: Date?
    var endTime: Date?
    var eventCategory: String?
    var maxResults: Int?
    var nextToken: String?

    enum CodingKeys: String, CodingKey {
        case lookupAttributes = "LookupAttributes"
        case startTime = "StartTime"
        case endTime = "EndTime"
        case eventCategory = "EventCategory"
        case maxResults = "MaxResults"
        case nextToken = "NextToken"
    }

    /// The search; nil for Insights events, of which there are none.
    func query() throws(KMSError) -> AuditQuery? {
        let attributes = lookupAttributes ?? []
        guard attributes.count <= 1 else {
            throw KMSError(.invalidLookupAttributes, "You cannot specify more than one lookup attribute.")
        }
        var attribute: AuditQuery.Attribute?
        if let only = attributes.first {
            attribute = try Self.attribute(only)
        }
        if let startTime, let endTime, startTime > endTime {
            throw KMSError(.invalidTimeRange, "Start time must be less than or equal to end time.")
        }
        if let maxResults, !(1...50).contains(maxResults) {
            throw KMSError(.invalidMaxResults, "MaxResults must be between 1 and 50.")
        }
        switch eventCategory {
        case nil: break
        case "insight"?: return nil
        case let other?: throw KMSError(.invalidEventCategory, "Event category \(other) is not valid; the only category is insight.")
        }
        return AuditQuery(attribute: attribute, startTime: startTime, endTime: endTime, limit: maxResults ?? 50)
    }

    private static func attribute(_ lookup: LookupAttribute) throws(KMSError) -> AuditQuery.Attribute {
        guard let key = lookup.attributeKey, let value = lookup.attributeValue else {
            throw KMSError(.invalidLookupAttributes, "A lookup attribute needs both AttributeKey and AttributeValue.")
        }
        guard (1...2000).contains(value.count) else {
            throw KMSError(.invalidLookupAttributes, "The AttributeValue must be 1 to 2000 characters long.")
        }
        switch key {
        case "EventId": return .eventID(value)
        case "EventName": return .eventName(value)
        case "ReadOnly":
            guard value == "true" || value == "false" else {
                throw KMSError(.invalidLookupAttributes, "The value of the ReadOnly attribute must be true or false.")
            }
            return .readOnly(value == "true")
        case "Username": return .username(value)
        case "ResourceType": return .resourceType(value)
        case "ResourceName": return .resourceName(value)
        case "EventSource": return .eventSource(value)
        case "AccessKeyId": return .accessKeyID(value)
        default:
            throw KMSError(
                .invalidLookupAttributes,
                "The attribute key \(key) is not valid; use EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource or AccessKeyId."
            )
        }
    }

    /// What a page token is bound to: the same search must come back with it.
    var fingerprint: [UInt8] {
        let attribute = lookupAttributes?.first
        let parts = [
            attribute?.attributeKey ?? "", attribute?.attributeValue ?? "",
            startTime.map { "\($0.timeIntervalSince1970)" } ?? "", endTime.map { "\($0.timeIntervalSince1970)" } ?? "",
            eventCategory ?? "",
        ]
        return Array(sha256(Array(parts.joined(separator: "\u{0}").utf8)).prefix(8))
    }

    var auditParameters: AuditFields {
        var attributes: AuditValue?
        if let lookupAttributes {
            attributes = .list(lookupAttributes.map { attribute in
                .fields(["attributeKey": attribute.attributeKey.map(AuditValue.string), "attributeValue": attribute.attributeValue.map(AuditValue.string)])
            })
        }
        return [
            "lookupAttributes": attributes, "startTime": startTime.map(AuditValue.date), "endTime": endTime.map(AuditValue.date),
            "eventCategory": eventCategory.map(AuditValue.string), "maxResults": maxResults.map(AuditValue.int),
        ]
    }
}

struct LookupEventsResponse: Encodable, Sendable {
    struct Resource: Encodable, Sendable {
        var resourceType: String
        var resourceName: String

        enum CodingKeys: String, CodingKey {
            case resourceType = "ResourceType"
            case resourceName = "ResourceName"
        }
    }

    struct Event: Encodable, Sendable {
        var eventID: String
        var eventName: String
        var readOnly: String
        var accessKeyID: String?
        var eventTime: Date
        var eventSource: String
        var username: String?
        var resources: [Resource]
        var cloudTrailEvent: String

        enum CodingKeys: String, CodingKey {
            case eventID = "EventId"
            case eventName = "EventName"
            case readOnly = "ReadOnly"
            case accessKeyID = "AccessKeyId"
            case eventTime = "EventTime"
            case eventSource = "EventSource"
            case username = "Username"
            case resources = "Resources"
            case cloudTrailEvent = "CloudTrailEvent"
        }

        init(_ record: StoredAuditRecord) {
            let row = record.row
            eventID = row.eventID
            eventName = row.eventName
            readOnly = row.readOnly ? "true" : "false"
            accessKeyID = row.accessKeyID
            eventTime = row.eventTime
            eventSource = row.eventSource
            username = row.username
            resources = row.resources.map { Resource(resourceType: $0.type, resourceName: $0.name) }
            cloudTrailEvent = String(decoding: row.body, as: UTF8.self)
        }
    }

    var events: [Event]
    var nextToken: String?

    enum CodingKeys: String, CodingKey {
        case events = "Events"
        case nextToken = "NextToken"
    }
}

/// A page token: the sequence number to continue below, bound to the search it came from.
enum PageToken {
    private static let prefix = "t1."

    static func make(before sequence: Int64, fingerprint: [UInt8]) -> String {
        prefix + String(sequence) + "." + hexEncoded(fingerprint)
    }

    static func open(_ token: String, fingerprint: [UInt8]) throws(KMSError) -> Int64 {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] + "." == prefix, let sequence = Int64(parts[1]), sequence > 0 else {
            throw KMSError(.invalidNextToken, "The NextToken is not valid.")
        }
        guard parts[2] == Substring(hexEncoded(fingerprint)) else {
            throw KMSError(.invalidNextToken, "The NextToken must be passed with the same parameters as the call that returned it.")
        }
        return sequence
    }
}
