public import Foundation
import KMSCrypto

/// One audit record as the store keeps it: the CloudTrail record's bytes,
/// opaque to the store, and the fields LookupEvents searches by.
public struct AuditRecordRow: Sendable, Hashable {
    public var eventID: String
    public var eventTime: Date
    public var eventName: String
    public var eventSource: String
    public var readOnly: Bool
    /// LookupEvents' `Username`: the user name, `root`, or a role session's name.
    public var username: String?
    public var accessKeyID: String?
    public var resources: [AuditResource]
    /// The record, exactly as hashed and as `CloudTrailEvent` returns it.
    public var body: [UInt8]

    public init(
        eventID: String, eventTime: Date, eventName: String, eventSource: String, readOnly: Bool, username: String?,
        accessKeyID: String?, resources: [AuditResource], body: [UInt8]
    ) {
        self.eventID = eventID
        self.eventTime = eventTime
        self.eventName = eventName
        self.eventSource = eventSource
        self.readOnly = readOnly
        self.username = username
        self.accessKeyID = accessKeyID
        self.resources = resources
        self.body = body
    }
}

public struct AuditResource: Sendable, Hashable {
    /// `AWS::KMS::Key`.
    public var type: String
    /// The key ARN.
    public var name: String

    public init(type: String, name: String) {
        self.type = type
        self.name = name
    }
}

/// A request's writes and the record that describes them, committed together or not at all.
public struct AuditedWrites: Sendable {
    public var writes: [StoreWrite]
    public var record: AuditRecordRow

    public init(writes: [StoreWrite], record: AuditRecordRow) {
        self.writes = writes
        self.record = record
    }
}

/// How one entry of a `MetadataStore.commitAudited` batch ended.
public enum AuditedCommitResult: Sendable {
    /// The writes and the record are committed; the record has this sequence number.
    case committed(sequence: Int64)
    /// A conditional write lost (see `MetadataStore.commit`): nothing of this entry is kept.
    case conditionFailed
    /// A write was refused with this error: nothing of this entry is kept.
    case rejected(KMSError)
}

/// A record with its place in the chain.
public struct StoredAuditRecord: Sendable, Hashable {
    public var sequence: Int64
    public var row: AuditRecordRow
    public var previousHash: [UInt8]
    public var hash: [UInt8]

    public init(sequence: Int64, row: AuditRecordRow, previousHash: [UInt8], hash: [UInt8]) {
        self.sequence = sequence
        self.row = row
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// The hash chain over audit records: each record's hash covers the one
/// before it, so that no record can be changed, removed, inserted or moved
/// without breaking a link. One chain per store; a store links records
/// inside the transaction that appends them, so writers never fork it.
public enum AuditChain {
    /// The previous hash of the first record.
    public static let genesis = [UInt8](repeating: 0, count: 32)
    private static let domain = Array("trent audit record v1\n".utf8)

    public static func link(previous: [UInt8], record: [UInt8]) -> [UInt8] {
        sha256(domain, previous, record)
    }
}

/// Where the chain stood when a seal (a signed digest or a prune checkpoint) is made.
public struct AuditSealBasis: Sendable, Hashable {
    /// The seal's own number, one more than the last seal's.
    public var number: Int64
    /// The newest record the seal covers, and its hash; nil before any record.
    public var lastSequence: Int64?
    public var lastHash: [UInt8]?
    /// The newest record the previous digest covered (0 if none): this digest covers the records after it.
    public var previousDigestSequence: Int64
    /// The SHA-256 of the previous seal's body (`AuditChain.genesis` for the first).
    public var previousSealHash: [UInt8]
    public var time: Date

    public init(
        number: Int64, lastSequence: Int64?, lastHash: [UInt8]?, previousDigestSequence: Int64, previousSealHash: [UInt8], time: Date
    ) {
        self.number = number
        self.lastSequence = lastSequence
        self.lastHash = lastHash
        self.previousDigestSequence = previousDigestSequence
        self.previousSealHash = previousSealHash
        self.time = time
    }
}

/// A signed statement about the chain. Digests are made periodically and at
/// shutdown; a checkpoint is made when records are pruned and says where the
/// remaining chain starts.
public struct AuditSeal: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case digest
        case checkpoint
    }

    public var number: Int64
    public var kind: Kind
    /// The newest record covered; 0 when there were none.
    public var lastSequence: Int64
    public var time: Date
    /// What was signed (the seal's own encoding, opaque to the store).
    public var body: [UInt8]
    public var signature: [UInt8]

    public init(number: Int64, kind: Kind, lastSequence: Int64, time: Date, body: [UInt8], signature: [UInt8]) {
        self.number = number
        self.kind = kind
        self.lastSequence = lastSequence
        self.time = time
        self.body = body
        self.signature = signature
    }
}

/// A LookupEvents search: at most one attribute, a time window, newest first.
public struct AuditQuery: Sendable, Hashable {
    public enum Attribute: Sendable, Hashable {
        case eventID(String)
        case eventName(String)
        case readOnly(Bool)
        case username(String)
        case resourceType(String)
        case resourceName(String)
        case eventSource(String)
        case accessKeyID(String)
    }

    public var attribute: Attribute?
    public var startTime: Date?
    public var endTime: Date?
    /// Only records older (by sequence) than this: the paging position.
    public var beforeSequence: Int64?
    public var limit: Int

    public init(attribute: Attribute? = nil, startTime: Date? = nil, endTime: Date? = nil, beforeSequence: Int64? = nil, limit: Int) {
        self.attribute = attribute
        self.startTime = startTime
        self.endTime = endTime
        self.beforeSequence = beforeSequence
        self.limit = limit
    }
}

extension AuditChain {
    private static let sealDomain = Array("trent audit seal v1\n".utf8)

    /// What the next seal names as its predecessor.
    public static func sealHash(_ body: [UInt8]) -> [UInt8] {
        sha256(sealDomain, body)
    }
}
