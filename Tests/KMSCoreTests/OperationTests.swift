import Foundation
@testable import KMSCore
import KMSCrypto
import KMSProtocol
import KMSStorageSQLite
import KMSTestSupport
import Testing

@Suite("Operations against a real SQLite store")
struct OperationTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment() }

    func createKey() async throws -> String {
        try await env.call(CreateKey.self, #"{"Description":"test"}"#).KeyMetadata.KeyId
    }

    @Test func encryptDecryptRoundTripReturnsFullARN() async throws {
        let keyID = try await createKey()
        let encrypted = try await env.call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGVsbG8=","EncryptionContext":{"a":"1","b":"2"}}"#)
        let blob = encrypted.CiphertextBlob.base64EncodedString()
        let decrypted = try await env.call(Decrypt.self, #"{"CiphertextBlob":"\#(blob)","EncryptionContext":{"b":"2","a":"1"}}"#)
        #expect(decrypted.Plaintext == Data("hello".utf8))
        #expect(decrypted.KeyId == "arn:aws:kms:us-east-1:111122223333:key/\(keyID)")
    }

    @Test func keyReferencesResolveByIDARNAliasAndAliasARN() async throws {
        let keyID = try await createKey()
        _ = try await env.call(CreateAlias.self, #"{"AliasName":"alias/app","TargetKeyId":"\#(keyID)"}"#)
        for reference in [keyID, "arn:aws:kms:us-east-1:111122223333:key/\(keyID)", "alias/app", "arn:aws:kms:us-east-1:111122223333:alias/app"] {
            let described = try await env.call(DescribeKey.self, #"{"KeyId":"\#(reference)"}"#)
            #expect(described.KeyMetadata.KeyId == keyID)
        }
        for missing in ["alias/none", "arn:aws:kms:eu-west-1:111122223333:key/\(keyID)", "not-a-key", UUID().uuidString.lowercased()] {
            await #expect(throws: KMSError(.notFound, "")) { try await env.call(DescribeKey.self, #"{"KeyId":"\#(missing)"}"#) }
        }
    }

    /// TagResource adds and replaces, keeping first-arrival order; UntagResource
    /// removes; ListResourceTags pages; a key holds at most 50 tags.
    @Test func tagsAreAddedReplacedRemovedAndListed() async throws {
        let keyID = try await env.call(CreateKey.self, #"{"Tags":[{"TagKey":"team","TagValue":"blue"}]}"#).KeyMetadata.KeyId
        _ = try await env.call(TagResource.self, #"{"KeyId":"\#(keyID)","Tags":[{"TagKey":"env","TagValue":"prod"},{"TagKey":"team","TagValue":"red"}]}"#)
        func listed(_ extra: String = "") async throws -> ListResourceTagsResponse {
            try await env.call(ListResourceTags.self, #"{"KeyId":"\#(keyID)"\#(extra)}"#)
        }
        #expect(try await listed().Tags == [Tag(TagKey: "team", TagValue: "red"), Tag(TagKey: "env", TagValue: "prod")])
        let first = try await listed(#","Limit":1"#)
        #expect(first.Tags.map(\.TagKey) == ["team"] && first.Truncated && first.NextMarker == "team")
        let second = try await listed(#","Limit":1,"Marker":"team""#)
        #expect(second.Tags.map(\.TagKey) == ["env"] && !second.Truncated && second.NextMarker == nil)

        _ = try await env.call(UntagResource.self, #"{"KeyId":"\#(keyID)","TagKeys":["team","absent"]}"#)
        #expect(try await listed().Tags == [Tag(TagKey: "env", TagValue: "prod")])

        let fortyNine = (1...49).map { #"{"TagKey":"t\#($0)","TagValue":""}"# }.joined(separator: ",")
        _ = try await env.call(TagResource.self, #"{"KeyId":"\#(keyID)","Tags":[\#(fortyNine)]}"#)
        await #expect(throws: KMSError(.tag, "")) {
            _ = try await env.call(TagResource.self, #"{"KeyId":"\#(keyID)","Tags":[{"TagKey":"one-too-many","TagValue":""}]}"#)
        }
        await #expect(throws: KMSError(.tag, "")) {
            _ = try await env.call(TagResource.self, #"{"KeyId":"\#(keyID)","Tags":[{"TagKey":"aws:reserved","TagValue":""}]}"#)
        }
        #expect(try await listed(#","Limit":1000"#).Tags.count == 50)

        _ = try await env.call(ScheduleKeyDeletion.self, #"{"KeyId":"\#(keyID)","PendingWindowInDays":7}"#)
        await #expect(throws: KMSError(.invalidState, "")) {
            _ = try await env.call(TagResource.self, #"{"KeyId":"\#(keyID)","Tags":[{"TagKey":"t1","TagValue":"x"}]}"#)
        }
    }

    /// On-demand rotation makes new material current at once; every earlier
    /// ciphertext still decrypts, ReEncrypt moves one to the newest version,
    /// and a key rotates on demand at most 25 times.
    @Test func rotationKeepsOldVersionsAndUsesTheNewest() async throws {
        let keyID = try await createKey()
        func encrypt() async throws -> Data {
            try await env.call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGk="}"#).CiphertextBlob
        }
        func version(_ blob: Data) throws -> UInt32 { try CiphertextBlob(parsing: blob).keyVersion }
        var blobs = [try await encrypt()]
        for _ in 1...3 {
            _ = try await env.call(RotateKeyOnDemand.self, #"{"KeyId":"\#(keyID)"}"#)
            blobs.append(try await encrypt())
        }
        #expect(try blobs.map(version) == [1, 2, 3, 4])
        for blob in blobs {
            #expect(try await env.call(Decrypt.self, #"{"CiphertextBlob":"\#(blob.base64EncodedString())"}"#).Plaintext == Data("hi".utf8))
        }
        let moved = try await env.call(ReEncrypt.self, #"{"CiphertextBlob":"\#(blobs[0].base64EncodedString())","DestinationKeyId":"\#(keyID)"}"#)
        #expect(try version(moved.CiphertextBlob) == 4)
        // Each answer names the material it used, as ListKeyRotations and DescribeKey do.
        let all = try await env.call(ListKeyRotations.self, #"{"KeyId":"\#(keyID)","IncludeKeyMaterial":"ALL_KEY_MATERIAL"}"#).Rotations.map(\.KeyMaterialId)
        #expect(moved.SourceKeyMaterialId == all[0] && moved.DestinationKeyMaterialId == all[3])
        #expect(try await env.call(Decrypt.self, #"{"CiphertextBlob":"\#(blobs[1].base64EncodedString())"}"#).KeyMaterialId == all[1])
        #expect(try await env.call(DescribeKey.self, #"{"KeyId":"\#(keyID)"}"#).KeyMetadata.CurrentKeyMaterialId == all[3])
        #expect(try await env.call(GenerateDataKey.self, #"{"KeyId":"\#(keyID)","NumberOfBytes":16}"#).KeyMaterialId == all[3])

        let listed = try await env.call(ListKeyRotations.self, #"{"KeyId":"\#(keyID)","IncludeKeyMaterial":"ALL_KEY_MATERIAL","Limit":2}"#)
        #expect(listed.Rotations.map(\.RotationType) == [nil, "ON_DEMAND"] && listed.Truncated)
        let rest = try await env.call(ListKeyRotations.self, #"{"KeyId":"\#(keyID)","IncludeKeyMaterial":"ALL_KEY_MATERIAL","Marker":"\#(listed.NextMarker!)"}"#)
        #expect(rest.Rotations.map(\.KeyMaterialState) == ["NON_CURRENT", "CURRENT"] && !rest.Truncated)
        #expect(Set((listed.Rotations + rest.Rotations).map(\.KeyMaterialId)).count == 4)

        for _ in 4...25 { _ = try await env.call(RotateKeyOnDemand.self, #"{"KeyId":"\#(keyID)"}"#) }
        await #expect(throws: KMSError(.limitExceeded, "")) { _ = try await env.call(RotateKeyOnDemand.self, #"{"KeyId":"\#(keyID)"}"#) }
        // Automatic rotations do not count against it, and disabling stops the schedule.
        _ = try await env.call(EnableKeyRotation.self, #"{"KeyId":"\#(keyID)"}"#)
        #expect(try await env.call(GetKeyRotationStatus.self, #"{"KeyId":"\#(keyID)"}"#).RotationPeriodInDays == 365)
        _ = try await env.call(DisableKeyRotation.self, #"{"KeyId":"\#(keyID)"}"#)
        let status = try await env.call(GetKeyRotationStatus.self, #"{"KeyId":"\#(keyID)"}"#)
        #expect(!status.KeyRotationEnabled && status.NextRotationDate == nil)
        await #expect(throws: KMSError(.validation, "")) {
            _ = try await env.call(EnableKeyRotation.self, #"{"KeyId":"\#(keyID)","RotationPeriodInDays":89}"#)
        }
        _ = try await env.call(DisableKey.self, #"{"KeyId":"\#(keyID)"}"#)
        await #expect(throws: KMSError(.disabled, "")) { _ = try await env.call(RotateKeyOnDemand.self, #"{"KeyId":"\#(keyID)"}"#) }
    }

    /// The last successful cryptographic use, recorded in memory by the request
    /// and seen by other processes once flushed; other operations and failures do not count.
    @Test func keyLastUsageFollowsCryptographicUse() async throws {
        let keyID = try await createKey()
        let created = try await env.call(GetKeyLastUsage.self, #"{"KeyId":"\#(keyID)"}"#)
        #expect(created.KeyLastUsage == nil)
        #expect(created.TrackingStartDate == env.clock.now && created.KeyCreationDate == env.clock.now)

        env.clock.advance(days: 1)
        let blob = try await env.call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGk="}"#).CiphertextBlob.base64EncodedString()
        _ = try await env.call(DescribeKey.self, #"{"KeyId":"\#(keyID)"}"#)
        await #expect(throws: KMSError.self) { _ = try await env.call(Decrypt.self, #"{"CiphertextBlob":"\#(blob)","EncryptionContext":{"a":"b"}}"#) }
        let used = try #require(try await env.call(GetKeyLastUsage.self, #"{"KeyId":"\#(keyID)"}"#).KeyLastUsage)
        #expect(used.Operation == "Encrypt" && used.Timestamp == env.clock.now)
        #expect(try await env.store.keyLastUsage(#require(KeyID(keyID))) == nil, "written per request")

        // Another node on the same database sees it once this one flushes.
        let other = try TestEnvironment(sharing: env)
        #expect(try await other.call(GetKeyLastUsage.self, #"{"KeyId":"\#(keyID)"}"#).KeyLastUsage == nil)
        #expect(try await KeyUsageFlush(environment: env.environment).run() == 1)
        #expect(try await other.call(GetKeyLastUsage.self, #"{"KeyId":"\#(keyID)"}"#).KeyLastUsage?.Operation == "Encrypt")

        // An older use flushed later does not replace a newer one.
        env.clock.advance(days: 1)
        _ = try await other.call(Decrypt.self, #"{"CiphertextBlob":"\#(blob)"}"#)
        try await KeyUsageFlush(environment: other.environment).run()
        env.environment.usage.record(try #require(KeyID(keyID)), KeyUseRecord(operation: "Encrypt", timestamp: .distantPast, requestID: "old"))
        try await KeyUsageFlush(environment: env.environment).run()
        #expect(try await env.store.keyLastUsage(#require(KeyID(keyID)))?.operation == "Decrypt")

        // A key destroyed before the flush is skipped, not an error.
        let doomed = try await createKey()
        _ = try await env.call(Encrypt.self, #"{"KeyId":"\#(doomed)","Plaintext":"aGk="}"#)
        _ = try await env.call(ScheduleKeyDeletion.self, #"{"KeyId":"\#(doomed)","PendingWindowInDays":7}"#)
        env.clock.advance(days: 8)
        try await KeyDeletionSweep(environment: env.environment, audit: env.audit).run()
        #expect(try await KeyUsageFlush(environment: env.environment).run() == 1)
    }

    @Test func decryptWithAnotherKeyIDIsIncorrectKey() async throws {
        let first = try await createKey()
        let second = try await createKey()
        let blob = try await env.call(Encrypt.self, #"{"KeyId":"\#(first)","Plaintext":"aGVsbG8="}"#).CiphertextBlob.base64EncodedString()
        await #expect(throws: KMSError(.incorrectKey, "")) {
            try await env.call(Decrypt.self, #"{"CiphertextBlob":"\#(blob)","KeyId":"\#(second)"}"#)
        }
    }

    @Test func scheduledDeletionIsCarriedOutOnlyAfterItsDate() async throws {
        let keyID = try await createKey()
        let blob = try await env.call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGVsbG8="}"#).CiphertextBlob.base64EncodedString()
        _ = try await env.call(CreateAlias.self, #"{"AliasName":"alias/doomed","TargetKeyId":"\#(keyID)"}"#)
        _ = try await env.call(ScheduleKeyDeletion.self, #"{"KeyId":"\#(keyID)","PendingWindowInDays":7}"#)
        let sweep = KeyDeletionSweep(environment: env.environment, audit: env.audit)

        env.clock.advance(days: 6.9)
        #expect(try await sweep.run().isEmpty)
        #expect(try await env.call(DescribeKey.self, #"{"KeyId":"\#(keyID)"}"#).KeyMetadata.KeyState == "PendingDeletion")

        env.clock.advance(days: 0.2)
        #expect(try await sweep.run().map(\.description) == [keyID])
        await #expect(throws: KMSError(.notFound, "")) { try await env.call(DescribeKey.self, #"{"KeyId":"\#(keyID)"}"#) }
        await #expect(throws: KMSError(.notFound, "")) { try await env.call(DescribeKey.self, #"{"KeyId":"alias/doomed"}"#) }
        await #expect(throws: KMSError(.invalidCiphertext, "")) { try await env.call(Decrypt.self, #"{"CiphertextBlob":"\#(blob)"}"#) }
        #expect(try await env.call(ListAliases.self, "{}").Aliases.isEmpty)
    }

    @Test func cancelledDeletionIsNotCarriedOut() async throws {
        let keyID = try await createKey()
        _ = try await env.call(ScheduleKeyDeletion.self, #"{"KeyId":"\#(keyID)","PendingWindowInDays":7}"#)
        _ = try await env.call(CancelKeyDeletion.self, #"{"KeyId":"\#(keyID)"}"#)
        env.clock.advance(days: 30)
        #expect(try await KeyDeletionSweep(environment: env.environment, audit: env.audit).run().isEmpty)
        #expect(try await env.call(DescribeKey.self, #"{"KeyId":"\#(keyID)"}"#).KeyMetadata.KeyState == "Disabled")
    }

    @Test func staleUpdatesAreRefused() async throws {
        let id = try #require(KeyID(try await createKey()))
        let read = try #require(try await env.store.key(id))
        var first = read
        first.state = .disabled
        #expect(try await env.store.commit([.updateKey(first)]))
        var second = read
        second.description = "written from a stale read"
        #expect(try await env.store.commit([.updateKey(second)]) == false)
        let stored = try #require(try await env.store.key(id))
        #expect(stored.state == .disabled)
        #expect(stored.description == "test")
        #expect(stored.revision == read.revision + 1)
    }

    @Test func listKeysPaginates() async throws {
        var created = Set<String>()
        for _ in 0..<5 { created.insert(try await createKey()) }
        var seen: [String] = []
        var marker: String?
        repeat {
            let markerJSON = marker.map { #","Marker":"\#($0)""# } ?? ""
            let page = try await env.call(ListKeys.self, #"{"Limit":2\#(markerJSON)}"#)
            #expect(page.Keys.count <= 2)
            seen += page.Keys.map(\.KeyId)
            marker = page.Truncated ? page.NextMarker : nil
        } while marker != nil
        #expect(Set(seen) == created)
        #expect(seen.count == created.count)
        await #expect(throws: KMSError(.invalidMarker, "")) { try await env.call(ListKeys.self, #"{"Marker":"bogus"}"#) }
    }

    @Test func aliasRules() async throws {
        let keyID = try await createKey()
        _ = try await env.call(CreateAlias.self, #"{"AliasName":"alias/one","TargetKeyId":"\#(keyID)"}"#)
        await #expect(throws: KMSError(.alreadyExists, "")) {
            try await env.call(CreateAlias.self, #"{"AliasName":"alias/one","TargetKeyId":"\#(keyID)"}"#)
        }
        await #expect(throws: KMSError(.notAuthorized, "")) {
            try await env.call(CreateAlias.self, #"{"AliasName":"alias/aws/s3","TargetKeyId":"\#(keyID)"}"#)
        }
        await #expect(throws: KMSError(.invalidAliasName, "")) {
            try await env.call(CreateAlias.self, #"{"AliasName":"one","TargetKeyId":"\#(keyID)"}"#)
        }
        await #expect(throws: KMSError(.validation, "")) {
            try await env.call(CreateAlias.self, #"{"AliasName":"alias/b@d","TargetKeyId":"\#(keyID)"}"#)
        }
        await #expect(throws: KMSError(.notFound, "")) {
            try await env.call(CreateAlias.self, #"{"AliasName":"alias/two","TargetKeyId":"alias/one"}"#)
        }
        let other = try await createKey()
        _ = try await env.call(UpdateAlias.self, #"{"AliasName":"alias/one","TargetKeyId":"\#(other)"}"#)
        #expect(try await env.call(DescribeKey.self, #"{"KeyId":"alias/one"}"#).KeyMetadata.KeyId == other)
        _ = try await env.call(DeleteAlias.self, #"{"AliasName":"alias/one"}"#)
        await #expect(throws: KMSError(.notFound, "")) { try await env.call(DeleteAlias.self, #"{"AliasName":"alias/one"}"#) }
    }

    @Test func dataKeysHaveTheRequestedSize() async throws {
        let keyID = try await createKey()
        #expect(try await env.call(GenerateDataKey.self, #"{"KeyId":"\#(keyID)","KeySpec":"AES_128"}"#).Plaintext.count == 16)
        #expect(try await env.call(GenerateDataKey.self, #"{"KeyId":"\#(keyID)","NumberOfBytes":1024}"#).Plaintext.count == 1024)
        await #expect(throws: KMSError(.validation, "")) {
            try await env.call(GenerateDataKey.self, #"{"KeyId":"\#(keyID)","KeySpec":"AES_256","NumberOfBytes":32}"#)
        }
        await #expect(throws: KMSError(.validation, "")) { try await env.call(GenerateDataKey.self, #"{"KeyId":"\#(keyID)"}"#) }
    }

    @Test func rawKeyMaterialNeverReachesTheDatabaseFile() async throws {
        var materials: [[UInt8]] = []
        for _ in 0..<10 {
            let id = try #require(KeyID(try await createKey()))
            let stored = try #require(try await env.store.keyVersion(id, version: 1))
            materials.append(try await env.unsafeRawMaterial(of: stored))
        }
        var files: [[UInt8]] = []
        for suffix in ["", "-wal"] {
            if let data = FileManager.default.contents(atPath: env.databasePath + suffix) { files.append(Array(data)) }
        }
        #expect(!files.isEmpty)
        for file in files {
            for material in materials {
                #expect(!file.contains(subsequence: material))
                // Nor any 8-byte window of it, in case of a partial leak.
                for start in stride(from: 0, to: 24, by: 8) {
                    #expect(!file.contains(subsequence: Array(material[start..<(start + 8)])))
                }
            }
        }
    }
}
