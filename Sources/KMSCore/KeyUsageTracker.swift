public import Foundation
import Synchronization

/// The last successful cryptographic use of each key, for GetKeyLastUsage.
/// Requests record into memory only, so the data plane writes nothing per
/// request; the key maintenance service moves what accumulated to the store
/// (`KeyUsageFlush`), where the latest use by any process wins.
public final class KeyUsageTracker: Sendable {
    /// The actions GetKeyLastUsage reports: cryptographic operations, not management.
    static let cryptographicActions: Set<String> = [
        "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey",
        "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext", "kms:Sign",
        "kms:Verify", "kms:GenerateMac", "kms:VerifyMac", "kms:DeriveSharedSecret",
    ]

    private let pending = Mutex<[KeyID: KeyUseRecord]>([:])

    public init() {}

    func record(_ keyID: KeyID, _ usage: KeyUseRecord) {
        pending.withLock { pending in
            if let known = pending[keyID], known.timestamp > usage.timestamp { return }
            pending[keyID] = usage
        }
    }

    func pendingUsage(of keyID: KeyID) -> KeyUseRecord? {
        pending.withLock { $0[keyID] }
    }

    /// Takes everything recorded since the last drain.
    func drain() -> [KeyID: KeyUseRecord] {
        pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
    }
}

/// One use of a key: the operation (as GetKeyLastUsage names it, `Encrypt`),
/// when, which request, and that request's audit record (its CloudTrail event ID).
public struct KeyUseRecord: Sendable, Hashable {
    public var operation: String
    public var timestamp: Date
    public var requestID: String
    public var eventID: String?
    public init(operation: String, timestamp: Date, requestID: String, eventID: String? = nil) {
        self.operation = operation
        self.timestamp = timestamp
        self.requestID = requestID
        self.eventID = eventID
    }
}

/// Moves recorded key usage to the store; run by the key maintenance service.
public struct KeyUsageFlush: Sendable {
    public let environment: ServiceEnvironment

    public init(environment: ServiceEnvironment) {
        self.environment = environment
    }

    /// Returns how many keys' usage was written. What cannot be written is
    /// recorded again, to be tried at the next flush.
    @discardableResult
    public func run() async throws -> Int {
        let usage = environment.usage.drain()
        guard !usage.isEmpty else { return 0 }
        do {
            _ = try await environment.store.commit(usage.map { .recordKeyUsage($0.key, $0.value) })
        } catch {
            for (keyID, use) in usage { environment.usage.record(keyID, use) }
            throw error
        }
        return usage.count
    }
}

extension ServiceEnvironment {
    /// Records, once per data directory, when usage tracking began (GetKeyLastUsage's TrackingStartDate).
    public func startUsageTracking() async throws(KMSError) {
        _ = try await GetKeyLastUsage.trackingStart(in: self)
    }
}
