import Crypto
import Foundation
import KMSAudit
import KMSCore
import KMSCrypto
import KMSProtocol
import KMSStorageSQLite
import KMSTestSupport
import Logging
import Testing

/// A test environment whose audit sink is a real `AuditTrail` over its SQLite store.
struct Audited {
    let env: TestEnvironment
    let trail: AuditTrail
    let signer = AuditSigner(privateKey: P256.Signing.PrivateKey())

    init(digestEvery: Int = 1000) throws {
        let signer = signer
        env = try TestEnvironment(auditSink: { store in
            AuditTrail(store: store, signer: signer, configuration: .init(digestEvery: digestEvery), logger: Logger(label: "test"))
        })
        trail = try #require(env.audit.next as? AuditTrail)
    }

    var records: [StoredAuditRecord] {
        get async throws { try await env.database.auditRecords(after: 0, limit: 10_000) }
    }

    /// Each record parsed as JSON.
    var json: [[String: Any]] {
        get async throws {
            try await records.map { try #require(try JSONSerialization.jsonObject(with: Data($0.row.body)) as? [String: Any]) }
        }
    }

    func verify() async throws -> AuditVerifier.Report {
        try await AuditVerifier(publicKey: signer.publicKey).verify(seals: try await env.database.auditSeals()) { after, limit in
            try await env.database.auditRecords(after: after, limit: limit)
        }
    }

    /// Runs the trail as a service around `body`, then shuts it down as the server does.
    func running(_ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await trail.run() }
            try await body()
            trail.stop()
            try await group.waitForAll()
        }
    }
}

@Suite("Audit trail")
struct AuditTrailTests {
    @Test(arguments: ["plain", "", "quote \" and backslash \\ at once", "lines\nand\ttabs\r", "control \u{1}\u{1f}", "é ключ 🔑 \\\""])
    func recordStringsSurviveJSONParsing(_ text: String) throws {
        let env = try TestEnvironment()
        var event = AuditEvent(eventName: "Encrypt", readOnly: true, context: env.requestContext(), region: "us-east-1")
        event.errorCode = "ValidationException"
        event.errorMessage = text
        let body = CloudTrailRecord.row(for: event).body
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(parsed["errorMessage"] as? String == text)
    }

    @Test func everyRequestLeavesOneChainedCloudTrailRecordWithoutItsSecrets() async throws {
        let audited = try Audited()
        let env = audited.env
        let keyID = try await env.call(CreateKey.self, #"{"Description":"audited"}"#).KeyMetadata.KeyId
        let plaintext = Array("the plaintext must never be recorded".utf8)
        let encrypted = try await env.call(
            Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"\#(Data(plaintext).base64EncodedString())","EncryptionContext":{"purpose":"test"}}"#
        )
        let dataKey = try await env.call(GenerateDataKey.self, #"{"KeyId":"\#(keyID)","KeySpec":"AES_256"}"#)
        await #expect(throws: KMSError(.notFound, "")) { try await env.call(DescribeKey.self, #"{"KeyId":"alias/none"}"#) }

        let records = try await audited.records
        let json = try await audited.json
        #expect(json.map { $0["eventName"] as? String } == ["CreateKey", "Encrypt", "GenerateDataKey", "DescribeKey"])
        #expect(records.map(\.previousHash) == [AuditChain.genesis] + records.dropLast().map(\.hash))
        let arn = "arn:aws:kms:us-east-1:111122223333:key/\(keyID)"
        #expect(records.map(\.row.resources) == [[AuditResource(type: "AWS::KMS::Key", name: arn)], [AuditResource(type: "AWS::KMS::Key", name: arn)], [AuditResource(type: "AWS::KMS::Key", name: arn)], []])
        let encrypt = json[1]
        #expect((encrypt["requestParameters"] as? [String: Any])?["encryptionContext"] as? [String: String] == ["purpose": "test"])
        #expect(encrypt["responseElements"] is NSNull)
        #expect(encrypt["eventType"] as? String == "AwsApiCall")
        #expect((encrypt["userIdentity"] as? [String: Any])?["arn"] as? String == "arn:aws:iam::111122223333:root")
        #expect(json[3]["errorCode"] as? String == "NotFoundException")
        #expect(records.map(\.row.username) == Array(repeating: "root", count: 4))

        let everything = records.flatMap(\.row.body)
        for secret in [plaintext, Array(dataKey.Plaintext), Array(encrypted.CiphertextBlob)] {
            #expect(!everything.contains(subsequence: secret))
            #expect(!everything.contains(subsequence: Array(Data(secret).base64EncodedString().utf8)))
        }
        #expect(try await audited.verify().problem == nil)
    }

    /// Group commit: requests in flight together share transactions, and so fsyncs.
    @Test func concurrentRequestsShareTransactions() async throws {
        let audited = try Audited()
        let keyID = try await audited.env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        let before = audited.env.database.auditTransactionCount
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<400 {
                group.addTask { _ = try await audited.env.call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGk="}"#) }
            }
            try await group.waitForAll()
        }
        let transactions = audited.env.database.auditTransactionCount - before
        #expect(try await audited.records.count == 401)
        // How many share depends on how fast the commits run against the
        // requests (212 of 400 once, on a loaded machine); unbatched, it is
        // 400. SQLiteGroupCommitterTests checks the batching exactly.
        #expect(transactions < 300, "400 concurrent requests took \(transactions) transactions")
        #expect(try await audited.verify().problem == nil)
    }

    /// Fail closed: when the database cannot grow (a page limit standing in
    /// for a full disk), requests fail with an internal error and nothing
    /// they would have changed is kept.
    @Test func aRecordThatCannotBeWrittenFailsTheRequestAndKeepsNothing() async throws {
        let audited = try Audited()
        let env = audited.env
        _ = try await env.call(CreateKey.self, "{}")
        let recordsBefore = try await audited.records.count
        try await env.database.runUnsafeSQL("PRAGMA max_page_count = 1")
        for _ in 0..<3 {
            await #expect(throws: KMSError(.internalFailure, "")) { _ = try await env.call(CreateKey.self, #"{"Description":"\#(String(repeating: "x", count: 8000))"}"#) }
        }
        try await env.database.runUnsafeSQL("PRAGMA max_page_count = 1073741823")
        // Neither the keys nor their records, nor records of the failures.
        #expect(try await audited.records.count == recordsBefore)
        #expect(try await env.call(ListKeys.self, "{}").Keys.count == 1)
        #expect(try await audited.records.count == recordsBefore + 1)
        #expect(try await audited.verify().problem == nil)
    }

    @Test func digestsEveryNRecordsAndAtShutdownThenNothingMoreIsAccepted() async throws {
        let audited = try Audited(digestEvery: 3)
        try await audited.running {
            for digests in 1...2 {
                for _ in 0..<3 { _ = try await audited.env.call(ListKeys.self, "{}") }
                // The service writes each digest as it comes due.
                for _ in 0..<500 where try await audited.env.database.auditSeals().count < digests { try await Task.sleep(for: .milliseconds(10)) }
            }
            _ = try await audited.env.call(ListKeys.self, "{}")
        }
        let seals = try await audited.env.database.auditSeals()
        #expect(seals.map(\.kind) == [.digest, .digest, .digest])
        #expect(seals.map(\.lastSequence) == [3, 6, 7])
        await #expect(throws: KMSError(.internalFailure, "")) { try await audited.env.call(ListKeys.self, "{}") }
        let report = try await audited.verify()
        #expect(report.problem == nil)
        #expect(report.records == 7)
        #expect(report.unsignedRecords == 0)
    }

    /// GetKeyLastUsage names the CloudTrail event of the key's last use, before and after the usage is written.
    @Test func lastUsageNamesTheRecordOfTheUse() async throws {
        let audited = try Audited()
        let env = audited.env
        let keyID = try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        _ = try await env.call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGk="}"#)
        let encryptRecord = try #require(try await audited.json.last)
        #expect(encryptRecord["eventName"] as? String == "Encrypt")
        let inMemory = try await env.call(GetKeyLastUsage.self, #"{"KeyId":"\#(keyID)"}"#).KeyLastUsage
        #expect(inMemory?.CloudTrailEventId == encryptRecord["eventID"] as? String)
        #expect(try await KeyUsageFlush(environment: env.environment).run() == 1)
        let env2 = try TestEnvironment(sharing: env)
        let stored = try await env2.call(GetKeyLastUsage.self, #"{"KeyId":"\#(keyID)"}"#).KeyLastUsage
        #expect(stored?.CloudTrailEventId == encryptRecord["eventID"] as? String)
        #expect(stored?.KmsRequestId == encryptRecord["requestID"] as? String)
    }

    @Test func scheduledDeletionIsRecordedAsTheServicesOwnEvent() async throws {
        let audited = try Audited()
        let env = audited.env
        let keyID = try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        _ = try await env.call(ScheduleKeyDeletion.self, #"{"KeyId":"\#(keyID)","PendingWindowInDays":7}"#)
        env.clock.advance(days: 8)
        #expect(try await KeyDeletionSweep(environment: env.environment, audit: env.audit).run().map(\.description) == [keyID])
        let last = try #require(try await audited.json.last)
        #expect(last["eventName"] as? String == "DeleteKey")
        #expect(last["eventType"] as? String == "AwsServiceEvent")
        #expect(last["userIdentity"] as? [String: String] == ["accountId": "111122223333", "invokedBy": "kms.amazonaws.com"])
        #expect((last["resources"] as? [[String: String]])?.first?["ARN"] == "arn:aws:kms:us-east-1:111122223333:key/\(keyID)")
    }
}
