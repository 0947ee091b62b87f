public import Crypto
import Foundation
public import KMSCore

/// Checks an audit trail offline: every seal's signature and order, every
/// record's hash and link, and every record a digest signed. Reports the
/// first problem, naming the record that was altered, removed, inserted or
/// reordered.
public struct AuditVerifier: Sendable {
    public struct Report: Sendable {
        public var records: Int
        public var seals: Int
        /// Where the remaining chain starts after pruning (0 if never pruned).
        public var prunedThrough: Int64
        /// Records after the newest digest: chained, but not yet signed.
        public var unsignedRecords: Int
        public var problem: Problem?
    }

    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable, Hashable {
            case altered, removed, inserted, reordered
            /// A seal whose signature, number or link is wrong.
            case seal
        }

        public var kind: Kind
        public var sequence: Int64?
        public var description: String

        public init(kind: Kind, sequence: Int64?, description: String) {
            self.kind = kind
            self.sequence = sequence
            self.description = description
        }
    }

    /// Reads records in chain order, strictly after a sequence number.
    public typealias RecordSource = @Sendable (_ after: Int64, _ limit: Int) async throws -> [StoredAuditRecord]

    public let publicKey: P256.Signing.PublicKey
    private let pageSize: Int

    public init(publicKey: P256.Signing.PublicKey, pageSize: Int = 5000) {
        self.publicKey = publicKey
        self.pageSize = pageSize
    }

    public func verify(seals: [AuditSeal], records: RecordSource) async throws -> Report {
        var report = Report(records: 0, seals: seals.count, prunedThrough: 0, unsignedRecords: 0, problem: nil)
        let checked: [(seal: AuditSeal, body: SealBody)]
        switch checkSeals(seals) {
        case .failure(let problem):
            report.problem = problem
            return report
        case .success(let bodies):
            checked = bodies
        }
        let checkpoint = checked.last { $0.body.kind == .checkpoint }?.body
        report.prunedThrough = checkpoint?.lastSequence ?? 0
        var expectedSequence = (checkpoint?.lastSequence ?? 0) + 1
        var expectedPrevious = checkpoint?.lastHash ?? AuditChain.genesis
        var signed: [Int64: (number: Int64, hash: [UInt8])] = [:]
        for (_, body) in checked where body.kind == .digest && body.lastSequence >= expectedSequence {
            signed[body.lastSequence] = (body.number, body.lastHash)
        }
        let lastSigned = signed.keys.max() ?? 0
        var predecessor: StoredAuditRecord?
        var page = try await records(expectedSequence - 1, pageSize)
        var index = 0
        while index < page.count {
            let record = page[index]
            let next = index + 1 < page.count ? page[index + 1] : try await records(record.sequence, 1).first
            if let problem = try await check(record, expectedSequence, expectedPrevious, predecessor: predecessor, next: next, records: records) {
                report.problem = problem
                return report
            }
            if let digest = signed[record.sequence], digest.hash != record.hash {
                report.problem = Problem(
                    kind: .altered, sequence: record.sequence,
                    description: "record \(record.sequence) was altered: it is not the record digest \(digest.number) signed, so records up to it were rewritten"
                )
                return report
            }
            report.records += 1
            if record.sequence > lastSigned { report.unsignedRecords += 1 }
            expectedSequence = record.sequence + 1
            expectedPrevious = record.hash
            predecessor = record
            index += 1
            if index == page.count {
                page = try await records(record.sequence, pageSize)
                index = 0
            }
        }
        if lastSigned >= expectedSequence, let digest = signed[lastSigned] {
            report.problem = Problem(
                kind: .removed, sequence: expectedSequence,
                description: "record \(expectedSequence) was removed: digest \(digest.number) signed records up to \(lastSigned), and the chain ends before it"
            )
        }
        return report
    }

    /// Seals in order, each signed, numbered one after the other and naming its predecessor.
    private func checkSeals(_ seals: [AuditSeal]) -> Result<[(seal: AuditSeal, body: SealBody)], Problem> {
        var checked: [(seal: AuditSeal, body: SealBody)] = []
        var previousHash = AuditChain.genesis
        for (offset, seal) in seals.enumerated() {
            func bad(_ why: String) -> Result<[(seal: AuditSeal, body: SealBody)], Problem> {
                .failure(Problem(kind: .seal, sequence: nil, description: "seal \(seal.number) \(why)"))
            }
            guard let signature = try? P256.Signing.ECDSASignature(derRepresentation: seal.signature),
                  publicKey.isValidSignature(signature, for: SHA256.hash(data: seal.body))
            else { return bad("does not carry a valid signature by the audit signing key") }
            guard let body = SealBody(decoding: seal.body), body.number == seal.number, body.kind == seal.kind,
                  body.lastSequence == seal.lastSequence
            else { return bad("does not state what its row says") }
            guard seal.number == Int64(offset + 1) else { return bad("is out of order: a seal before it was removed") }
            guard body.previousSealHash == previousHash else { return bad("does not follow seal \(seal.number - 1)") }
            previousHash = AuditChain.sealHash(seal.body)
            checked.append((seal, body))
        }
        return .success(checked)
    }

    private func check(
        _ record: StoredAuditRecord, _ expectedSequence: Int64, _ expectedPrevious: [UInt8], predecessor: StoredAuditRecord?,
        next: StoredAuditRecord?, records: RecordSource
    ) async throws -> Problem? {
        let sequence = record.sequence
        guard AuditChain.link(previous: record.previousHash, record: record.row.body) == record.hash else {
            return Problem(kind: .altered, sequence: sequence, description: "record \(sequence) was altered: its content does not match its hash")
        }
        let mismatched = CloudTrailRecord.mismatchedLookupFields(record.row)
        if !mismatched.isEmpty {
            return Problem(
                kind: .altered, sequence: sequence,
                description: "record \(sequence) was altered: its lookup fields (\(mismatched.joined(separator: ", "))) do not match its content"
            )
        }
        if sequence > expectedSequence {
            let missing = sequence - 1 == expectedSequence ? "record \(expectedSequence) was" : "records \(expectedSequence)–\(sequence - 1) were"
            return Problem(kind: .removed, sequence: expectedSequence, description: "\(missing) removed: the chain skips from \(expectedSequence - 1) to \(sequence)")
        }
        if record.previousHash == expectedPrevious { return nil }
        // The link is broken: work out how from where the record's link points.
        if let next, next.previousHash == expectedPrevious {
            return Problem(kind: .inserted, sequence: sequence, description: "record \(sequence) was inserted: record \(next.sequence) follows record \(sequence - 1) directly")
        }
        if let predecessor, predecessor.previousHash == record.previousHash {
            return Problem(kind: .inserted, sequence: predecessor.sequence, description: "record \(predecessor.sequence) was inserted: record \(sequence) follows record \(predecessor.sequence - 1) directly")
        }
        let (copyOf, follows) = try await locate(hash: record.hash, previous: record.previousHash, except: sequence, records: records)
        if let copyOf {
            return Problem(kind: .inserted, sequence: sequence, description: "record \(sequence) was inserted: it is a copy of record \(copyOf)")
        }
        if let follows {
            return Problem(kind: .reordered, sequence: sequence, description: "record \(sequence) was reordered: it belongs after record \(follows), not after record \(sequence - 1)")
        }
        return Problem(kind: .removed, sequence: sequence, description: "a record before record \(sequence) was removed: it does not follow record \(sequence - 1)")
    }

    /// Another record with this hash, and the record whose hash this one links to.
    private func locate(hash: [UInt8], previous: [UInt8], except sequence: Int64, records: RecordSource) async throws -> (copyOf: Int64?, follows: Int64?) {
        var copyOf: Int64?
        var follows: Int64?
        var after: Int64 = 0
        while true {
            let page = try await records(after, pageSize)
            guard let last = page.last else { break }
            for record in page where record.sequence != sequence {
                if record.hash == hash { copyOf = copyOf ?? record.sequence }
                if record.hash == previous { follows = follows ?? record.sequence }
            }
            after = last.sequence
        }
        return (copyOf, follows)
    }
}
