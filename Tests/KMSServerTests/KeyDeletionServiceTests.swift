import Foundation
import KMSCore
import KMSProtocol
@testable import KMSServer
import KMSStorageSQLite
import KMSTestSupport
import Logging
import Testing

@Suite("Key deletion service")
struct KeyDeletionServiceTests {
    @Test(.timeLimit(.minutes(1)))
    func destroysKeysOnceTheirDeletionDateHasPassed() async throws {
        let env = try TestEnvironment()
        let keyID = try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        let kept = try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        _ = try await env.call(ScheduleKeyDeletion.self, #"{"KeyId":"\#(keyID)","PendingWindowInDays":7}"#)
        _ = try await env.call(ScheduleKeyDeletion.self, #"{"KeyId":"\#(kept)","PendingWindowInDays":30}"#)
        let service = KeyDeletionService(
            sweep: KeyDeletionSweep(environment: env.environment), interval: .milliseconds(10), logger: Logger(label: "test")
        )

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
}
