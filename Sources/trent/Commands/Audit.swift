import ArgumentParser
import Crypto
import Foundation
import KMSAudit
import KMSCore
import KMSServer
import KMSStorageSQLite

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify, export and prune the audit trail.",
        subcommands: [Verify.self, PublicKey.self, Export.self, Prune.self]
    )
}

/// The data directory's database, opened only to read: no root key needed.
private func readAuditStore(_ data: String) throws -> SQLiteMetadataStore {
    try SQLiteMetadataStore(readingOnly: DataOptions.databasePath(in: data))
}

private func parseTime(_ text: String, option: String) throws -> Date {
    let formatter = ISO8601DateFormatter()
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withFullDate]
    if let date = formatter.date(from: text) { return date }
    throw ValidationError("\(option) must be an ISO 8601 time such as 2026-12-01T05:00:00Z or a date such as 2026-12-01")
}

extension Audit {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the whole hash chain and every signed digest, offline. Exits non-zero, naming the first altered, removed, inserted or reordered record, when anything is wrong."
        )

        @Option(name: .long, help: "Data directory.")
        var data: String = "./trent-data"

        @Option(name: .long, help: "PEM file with the audit public key to trust (from `trent audit public-key`, kept apart from the data). Default: the key stored in the data directory, which whoever can alter the data could also replace.")
        var publicKey: String?

        func run() async throws {
            let store = try readAuditStore(data)
            let key: P256.Signing.PublicKey
            if let publicKey {
                key = try P256.Signing.PublicKey(pemRepresentation: String(contentsOfFile: publicKey, encoding: .utf8))
            } else if let stored = try await AuditSigner.storedPublicKey(in: store) {
                key = stored
            } else {
                throw ValidationError("the data directory has no audit signing key yet: the server has never run on it")
            }
            let stored = try await AuditSigner.storedPublicKey(in: store)
            if let stored, stored.derRepresentation != key.derRepresentation {
                FileHandle.standardError.write(Data("warning: the key stored in the data directory is not the one given: it was replaced\n".utf8))
            }
            let report = try await AuditVerifier(publicKey: key).verify(seals: try await store.auditSeals()) { after, limit in
                try await store.auditRecords(after: after, limit: limit)
            }
            let fingerprint = SHA256.hash(data: key.derRepresentation).map { String(format: "%02x", $0) }.joined().prefix(16)
            var problem = report.problem
            if problem == nil, let sequence = try await store.auditSearchMismatch() {
                problem = AuditVerifier.Problem(
                    kind: .altered, sequence: sequence,
                    description: "record \(sequence) was altered: its entry in the search index does not match it, so LookupEvents would not find it as it is"
                )
            }
            if let problem {
                FileHandle.standardError.write(Data("audit trail FAILED verification: \(problem.description)\n".utf8))
                throw ExitCode(1)
            }
            var summary = "audit trail verified: \(report.records) records, \(report.seals) seals, signed by key \(fingerprint)"
            if report.prunedThrough > 0 { summary += "; pruned through record \(report.prunedThrough) at a signed checkpoint" }
            if report.unsignedRecords > 0 { summary += "; the newest \(report.unsignedRecords) records are chained but not yet in a signed digest" }
            print(summary)
        }
    }

    struct PublicKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the audit signing public key (ECDSA P-256) as PEM.")

        @Option(name: .long, help: "Data directory.")
        var data: String = "./trent-data"

        func run() async throws {
            guard let key = try await AuditSigner.storedPublicKey(in: try readAuditStore(data)) else {
                throw ValidationError("the data directory has no audit signing key yet: the server has never run on it")
            }
            print(key.pemRepresentation)
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the audit records as a CloudTrail log file ({\"Records\": [...]}), oldest first, for a SIEM."
        )

        @Option(name: .long, help: "Data directory.")
        var data: String = "./trent-data"

        @Option(name: .long, help: "Only records at or after this time (ISO 8601).")
        var since: String?

        @Option(name: .long, help: "Only records at or before this time (ISO 8601).")
        var until: String?

        @Option(name: .long, help: "Write to this file instead of standard output.")
        var output: String?

        func run() async throws {
            let since = try since.map { try parseTime($0, option: "--since") }
            let until = try until.map { try parseTime($0, option: "--until") }
            let store = try readAuditStore(data)
            let out: FileHandle
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil, attributes: [.posixPermissions: 0o600]),
                      let handle = FileHandle(forWritingAtPath: output)
                else { throw ValidationError("cannot write \(output)") }
                out = handle
            } else {
                out = FileHandle.standardOutput
            }
            var buffer = Array("{\"Records\":[".utf8)
            var exported = 0
            var after: Int64 = 0
            while true {
                let page = try await store.auditRecords(after: after, limit: 2000)
                guard let last = page.last else { break }
                for record in page {
                    let time = record.row.eventTime
                    if let since, time < since { continue }
                    if let until, time > until { continue }
                    if exported > 0 { buffer.append(UInt8(ascii: ",")) }
                    buffer += record.row.body
                    exported += 1
                    if exported % 10_000 == 0 {
                        FileHandle.standardError.write(Data("exported \(exported) records (through record \(record.sequence))\n".utf8))
                    }
                }
                try out.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
                after = last.sequence
            }
            buffer += Array("]}\n".utf8)
            try out.write(contentsOf: buffer)
            if output != nil { try out.close() }
            FileHandle.standardError.write(Data("exported \(exported) records\n".utf8))
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the audit records older than a time, after recording a signed checkpoint so that the rest still verifies."
        )

        @OptionGroup var data: DataOptions

        @Option(name: .long, help: "Delete records older than this time (ISO 8601); a record is kept if any older one must be.")
        var before: String

        func run() async throws {
            let cutoff = try parseTime(before, option: "--before")
            let directory = try await data.open()
            let signer = try await AuditSigner.load(store: directory.store, sealer: directory.identities.sealer)
            let pruned = try await directory.store.pruneAuditRecords(before: cutoff) { basis in try signer.seal(.checkpoint, basis) }
            print(pruned == 0 ? "no audit records older than \(before)" : "pruned \(pruned) audit records older than \(before); a signed checkpoint keeps the rest verifiable")
        }
    }
}
