import Synchronization

/// Runs this process's changes to one key one at a time, in arrival order.
///
/// Compare-and-swap alone keeps concurrent changes from being lost, but under
/// heavy contention for one key most attempts lose and must start again.
/// Queueing local writers makes every local attempt win the first time, so
/// only changes made by other processes can make one lose.
final class KeyWriteLocks: Sendable {
    /// A key is locked while it has an entry; the entry queues its waiters.
    private let held = Mutex<[KeyID: [CheckedContinuation<Void, Never>]]>([:])

    func withLocks<T, E: Error>(on ids: [KeyID], _ body: () async throws(E) -> T) async throws(E) -> T {
        // One order for everyone, so two requests on the same keys cannot deadlock.
        let ordered = Set(ids).sorted()
        for id in ordered { await acquire(id) }
        defer { for id in ordered.reversed() { release(id) } }
        return try await body()
    }

    private func acquire(_ id: KeyID) async {
        if held.withLock({ Self.take(id, &$0) }) { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let takenMeanwhile = held.withLock { held in
                if Self.take(id, &held) { return true }
                held[id, default: []].append(continuation)
                return false
            }
            if takenMeanwhile { continuation.resume() }
        }
    }

    private static func take(_ id: KeyID, _ held: inout [KeyID: [CheckedContinuation<Void, Never>]]) -> Bool {
        guard held[id] == nil else { return false }
        held[id] = []
        return true
    }

    /// Hands the lock to the first waiter, if any, without unlocking in between.
    private func release(_ id: KeyID) {
        let next = held.withLock { held -> CheckedContinuation<Void, Never>? in
            guard var waiters = held[id], !waiters.isEmpty else {
                held[id] = nil
                return nil
            }
            let first = waiters.removeFirst()
            held[id] = waiters
            return first
        }
        next?.resume()
    }
}
