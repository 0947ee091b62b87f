import Foundation
import KMSCore
import KMSCrypto
import Testing

@Suite("Key lifecycle state machine")
struct KeyLifecycleTests {
    static let arn = "arn:aws:kms:us-east-1:111122223333:key/x"

    static func record(_ state: KeyState) -> KeyRecord {
        KeyRecord(
            id: .generate(), createdAt: Date(timeIntervalSince1970: 0), description: "", keySpec: .symmetricDefault,
            keyUsage: .encryptDecrypt, origin: .awsKMS, state: state, policy: "{}", currentVersion: 1, tags: []
        )
    }

    @Test(arguments: [
        (KeyAccess.cryptographic, KeyState.enabled, nil),
        (.cryptographic, .disabled, KMSError.Code.disabled),
        (.cryptographic, .pendingDeletion, .invalidState),
        (.management, .enabled, nil),
        (.management, .disabled, nil),
        (.management, .pendingDeletion, .invalidState),
        (.readOnly, .enabled, nil),
        (.readOnly, .disabled, nil),
        (.readOnly, .pendingDeletion, nil),
    ] as [(KeyAccess, KeyState, KMSError.Code?)])
    func accessRules(access: KeyAccess, state: KeyState, expected: KMSError.Code?) {
        do {
            try KeyLifecycle.check(access, Self.record(state), arn: Self.arn)
            #expect(expected == nil)
        } catch {
            #expect(error.code == expected)
        }
    }

    @Test func enableAndDisable() throws {
        #expect(try KeyLifecycle.enable(Self.record(.disabled), arn: Self.arn).state == .enabled)
        #expect(try KeyLifecycle.enable(Self.record(.enabled), arn: Self.arn).state == .enabled)
        #expect(try KeyLifecycle.disable(Self.record(.enabled), arn: Self.arn).state == .disabled)
        #expect(throws: KMSError(.invalidState, "")) { try KeyLifecycle.enable(Self.record(.pendingDeletion), arn: Self.arn) }
        #expect(throws: KMSError(.invalidState, "")) { try KeyLifecycle.disable(Self.record(.pendingDeletion), arn: Self.arn) }
    }

    @Test func scheduleAndCancelDeletion() throws {
        let now = Date(timeIntervalSince1970: 1_000_000)
        let scheduled = try KeyLifecycle.scheduleDeletion(Self.record(.enabled), arn: Self.arn, windowInDays: 7, now: now)
        #expect(scheduled.state == .pendingDeletion)
        #expect(scheduled.deletionDate == now.addingTimeInterval(7 * 86_400))
        #expect(scheduled.pendingWindowInDays == 7)
        #expect(throws: KMSError(.invalidState, "")) {
            try KeyLifecycle.scheduleDeletion(scheduled, arn: Self.arn, windowInDays: 7, now: now)
        }
        let cancelled = try KeyLifecycle.cancelDeletion(scheduled, arn: Self.arn)
        #expect(cancelled.state == .disabled)
        #expect(cancelled.deletionDate == nil)
        #expect(throws: KMSError(.invalidState, "")) { try KeyLifecycle.cancelDeletion(cancelled, arn: Self.arn) }
    }

    @Test(arguments: [0, 6, 31, 365])
    func pendingWindowOutsideSevenToThirtyDays(days: Int) {
        #expect(throws: KMSError(.validation, "")) {
            try KeyLifecycle.scheduleDeletion(Self.record(.enabled), arn: Self.arn, windowInDays: days, now: Date())
        }
    }
}

@Suite("Key IDs")
struct KeyIDTests {
    @Test func parsesOnlyTheCanonicalLowercaseForm() {
        let id = KeyID.generate()
        #expect(KeyID(id.description) == id)
        #expect(KeyID(id.description)?.uuid == UUID(uuidString: id.description))
        for invalid in [
            id.description.uppercased(), "{\(id.description)}", String(id.description.dropLast()), id.description + "0",
            id.description.replacingOccurrences(of: "-", with: ""), "", "0000000-00000-0000-0000-000000000000",
            "g0000000-0000-0000-0000-000000000000",
        ] {
            #expect(KeyID(invalid) == nil, "\(invalid)")
        }
    }
}
