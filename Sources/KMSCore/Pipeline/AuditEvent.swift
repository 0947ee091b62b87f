public import Foundation

/// The record of one request, shaped like a CloudTrail event: who called
/// what, on which keys, from where, when, and how it ended.
public struct AuditEvent: Sendable, Hashable {
    public var eventTime: Date
    /// `kms.amazonaws.com` for the KMS API.
    public var eventSource: String
    public var eventName: String
    public var awsRegion: String
    public var requestID: String
    public var principal: Principal
    public var sourceIPAddress: String?
    public var userAgent: String?
    public var readOnly: Bool
    /// Nil when the request could not be decoded.
    public var requestParameters: AuditFields?
    public var responseElements: AuditFields?
    /// The ARNs of the keys the request named, as far as they were resolved.
    public var resources: [String]
    public var errorCode: String?
    public var errorMessage: String?

    public init(eventName: String, readOnly: Bool, context: RequestContext, region: String) {
        self.eventTime = context.time
        self.eventSource = "kms.amazonaws.com"
        self.eventName = eventName
        self.awsRegion = region
        self.requestID = context.requestID
        self.principal = context.principal
        self.sourceIPAddress = context.sourceIPAddress
        self.userAgent = context.userAgent
        self.readOnly = readOnly
        self.requestParameters = nil
        self.responseElements = nil
        self.resources = []
        self.errorCode = nil
        self.errorMessage = nil
    }
}

/// Request parameters or response elements of an audit record, named as
/// CloudTrail names them (`keyId`, `encryptionContext`).
public typealias AuditFields = [String: AuditValue]

/// A JSON value in an audit record.
public indirect enum AuditValue: Sendable, Hashable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case date(Date)
    case list([AuditValue])
    case fields(AuditFields)

    public init(_ context: [String: String]) {
        self = .fields(context.mapValues { .string($0) })
    }
}

extension Dictionary where Key == String, Value == AuditValue {
    /// Fields from pairs, leaving out those whose value is absent.
    public init(_ pairs: KeyValuePairs<String, AuditValue?>) {
        self.init(minimumCapacity: pairs.count)
        for (name, value) in pairs {
            if let value { self[name] = value }
        }
    }
}
