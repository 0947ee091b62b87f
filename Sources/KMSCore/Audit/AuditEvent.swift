public import Foundation
import KMSCrypto
import Synchronization

/// The record of one request, shaped like a CloudTrail event: who called
/// what, on which keys, from where, when, and how it ended.
public struct AuditEvent: Sendable, Hashable {

    public var eventTime: Date
    /// `kms.amazonaws.com` for the KMS API.
    public var eventSource: String
    public var eventName: String
    public var awsRegion: String
    public var requestID: String
    /// CloudTrail's `eventID`, known from the start so that GetKeyLastUsage can name it.
    public var eventID: String
    public var identity: AuditIdentity
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

    public init(eventName: String, readOnly: Bool, context: RequestContext, region: String, eventSource: String = "kms.amazonaws.com") {
        self.eventTime = context.time
        self.eventSource = eventSource
        self.eventName = eventName
        self.awsRegion = region
        self.requestID = context.requestID
        self.eventID = UniqueIDs.shared.next()
        self.identity = .caller(context.principal)
        self.sourceIPAddress = context.sourceIPAddress
        self.userAgent = context.userAgent
        self.readOnly = readOnly
        self.requestParameters = nil
        self.responseElements = nil
        self.resources = []
        self.errorCode = nil
        self.errorMessage = nil
    }

    /// An event of the service's own background work on a key (a scheduled
    /// deletion, an automatic rotation), which CloudTrail records as an
    /// `AwsServiceEvent` invoked by KMS.
    public init(serviceEventName: String, accountID: String, region: String, time: Date, requestID: String) {
        self.eventTime = time
        self.eventSource = "kms.amazonaws.com"
        self.eventName = serviceEventName
        self.awsRegion = region
        self.requestID = requestID
        self.eventID = UniqueIDs.shared.next()
        self.identity = .service(accountID: accountID)
        self.sourceIPAddress = nil
        self.userAgent = nil
        self.readOnly = false
        self.requestParameters = nil
        self.responseElements = nil
        self.resources = []
        self.errorCode = nil
        self.errorMessage = nil
    }

    /// IAM and STS, whose errors have Query protocol codes.
    public var isQueryProtocol: Bool {
        eventSource == "iam.amazonaws.com" || eventSource == "sts.amazonaws.com"
    }

    /// The verified caller, if the request had one.
    public var principal: Principal? {
        if case .caller(let principal) = identity { principal } else { nil }
    }
}

/// Who an audit record says acted.
public enum AuditIdentity: Sendable, Hashable {
    /// The caller SigV4 verified.
    case caller(Principal)
    /// The service itself, for background work on the account's keys.
    case service(accountID: String)
    /// A request whose signature did not verify: the access key it named,
    /// that key's owner when the key exists, and the account it was sent to.
    case unauthenticated(accessKeyID: String, owner: Principal?, accountID: String)
}

/// Request parameters or response elements of an audit record, named as
/// CloudTrail names them (`keyId`, `encryptionContext`), in the order given.
/// Written as a dictionary literal; absent (nil) values are left out. It keeps
/// the literal's own storage, so building one for every request costs one allocation.
public struct AuditFields: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    private let pairs: [(String, AuditValue?)]

    public init(dictionaryLiteral elements: (String, AuditValue?)...) {
        pairs = elements
    }

    init(pairs: [(String, AuditValue?)]) {
        self.pairs = pairs
    }

    /// The fields that have a value, in order.
    public var entries: [(name: String, value: AuditValue)] {
        pairs.compactMap { name, value in value.map { (name, $0) } }
    }

    public subscript(name: String) -> AuditValue? {
        for (field, value) in pairs where field == name { return value }
        return nil
    }

    public static func == (lhs: AuditFields, rhs: AuditFields) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for (name, value) in entries {
            hasher.combine(name)
            hasher.combine(value)
        }
    }
}

/// A JSON value in an audit record.
public indirect enum AuditValue: Sendable, Hashable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case date(Date)
    case list([AuditValue])
    case fields(AuditFields)

    /// An encryption context, its pairs sorted by key.
    public init(_ context: [String: String]) {
        self = .fields(AuditFields(pairs: context.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
    }
}

/// Identifiers in UUID form that reveal nothing of how many came before:
/// their random bits are the SHA-256 of a random per-process key and a
/// counter, so no random draw (a system call) is made per identifier.
///
/// Request IDs are random throughout (version 4). Event IDs are
/// time-ordered (version 7: 48 bits of Unix milliseconds, then random bits),
/// because they are indexed in the audit store: random keys scattered every
/// insert across the index and cost a fifth of the audited throughput.
public final class UniqueIDs: Sendable {
    /// For audit events; request IDs have their own.
    public static let shared = UniqueIDs(timeOrdered: true)

    private let timeOrdered: Bool
    private let key: [UInt8]
    private let counter = Atomic<UInt64>(0)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    public init(timeOrdered: Bool = false) {
        self.timeOrdered = timeOrdered
        var generator = SystemRandomNumberGenerator()
        key = (0..<4).flatMap { _ in withUnsafeBytes(of: generator.next()) { Array($0) } }
    }

    public func next() -> String {
        let count = counter.add(1, ordering: .relaxed).newValue
        let (high, low) = sha256Prefix(key: key, counter: count)
        let first: UInt64
        if timeOrdered {
            let milliseconds = UInt64(Date().timeIntervalSince1970 * 1000) & 0xFFFF_FFFF_FFFF
            first = milliseconds << 16 | 0x7000 | high & 0x0FFF
        } else {
            first = high & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000
        }
        // The RFC 9562 variant.
        let second = low & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            func put(_ value: UInt64, nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    buffer[position] = Self.hexDigits[Int((value >> UInt64(shift)) & 0xF)]
                    position += 1
                }
            }
            func dash() {
                buffer[position] = UInt8(ascii: "-")
                position += 1
            }
            put(first >> 32, nibbles: 8)
            dash()
            put(first >> 16, nibbles: 4)
            dash()
            put(first, nibbles: 4)
            dash()
            put(second >> 48, nibbles: 4)
            dash()
            put(second, nibbles: 12)
            return position
        }
    }
}
