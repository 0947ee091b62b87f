import Foundation
import KMSCore
import KMSProtocol
@testable import KMSServer
import KMSStorageSQLite
import KMSTestSupport
import Logging
import Testing

@Suite("Key maintenance service")
struct KeyMaintenanceServiceTests {
    @Test(.timeLimit(.minutes(1)))
    func destroysKeysOnceTheirDeletionDateHasPassed() async throws {
        let env = try TestEnvironment()
        let keyID = try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        let kept = try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        _ = try await env.call(ScheduleKeyDeletion.self, #"{"KeyId":"\#(keyID)","PendingWindowInDays":7}"#)
        _ = try await env.call(ScheduleKeyDeletion.self, #"{"KeyId":"\#(kept)","PendingWindowInDays":30}"#)
        let service = Self.service(env)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await env.store.key(#require(KeyID(keyID))) != nil, "deleted before its date")

            env.clock.advance(days: 8)
            var gone = false
            for _ in 0..<500 where !gone {
                try await Task.sleep(for: .milliseconds(10))
                gone = try await env.store.key(#require(KeyID(keyID))) == nil
            }
            #expect(gone)
            #expect(try await env.store.key(#require(KeyID(kept))) != nil)
            group.cancelAll()
        }
    }

    static func service(_ env: TestEnvironment) -> KeyMaintenanceService {
        KeyMaintenanceService(
            deletions: KeyDeletionSweep(environment: env.environment, audit: env.audit),
            rotations: KeyRotationSweep(environment: env.environment, audit: env.audit),
            expiries: ImportedMaterialExpirySweep(environment: env.environment, audit: env.audit),
            usage: KeyUsageFlush(environment: env.environment),
            interval: .milliseconds(10), logger: Logger(label: "test")
        )
    }

    /// Keys rotate when their date comes, each by one version; old ciphertexts
    /// still decrypt, new ones use the new material, and the schedule moves on.
    @Test(.timeLimit(.minutes(1)))
    func rotatesKeysWhenTheirDateComes() async throws {
        let env = try TestEnvironment()
        let keyID = try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        let unscheduled = try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        _ = try await env.call(EnableKeyRotation.self, #"{"KeyId":"\#(keyID)","RotationPeriodInDays":90}"#)
        let before = try await env.call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"b2xk"}"#).CiphertextBlob.base64EncodedString()

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await Self.service(env).run() }
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await env.store.key(#require(KeyID(keyID)))?.currentVersion == 1, "rotated before its date")

            env.clock.advance(days: 91)
            var version: UInt32 = 1
            for _ in 0..<500 where version == 1 {
                try await Task.sleep(for: .milliseconds(10))
                version = try await env.store.key(#require(KeyID(keyID)))?.currentVersion ?? 0
            }
            #expect(version == 2)
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await env.store.key(#require(KeyID(keyID)))?.currentVersion == 2, "rotated twice for one period")
            #expect(try await env.store.key(#require(KeyID(unscheduled)))?.currentVersion == 1)
            group.cancelAll()
        }
        let status = try await env.call(GetKeyRotationStatus.self, #"{"KeyId":"\#(keyID)"}"#)
        #expect(status.KeyRotationEnabled && status.RotationPeriodInDays == 90)
        #expect(status.NextRotationDate == env.clock.now.addingTimeInterval(90 * 86_400))
        #expect(try await env.call(Decrypt.self, #"{"CiphertextBlob":"\#(before)"}"#).Plaintext == Data("old".utf8))
        let rotations = try await env.call(ListKeyRotations.self, #"{"KeyId":"\#(keyID)"}"#)
        #expect(rotations.Rotations.map(\.RotationType) == ["AUTOMATIC"])
        #expect(rotations.Rotations.map(\.KeyMaterialState) == ["CURRENT"])
    }
}
