import Metrics
import NIOCore
import Synchronization

/// Since when a connection has waited for a request (uptime nanoseconds), or
/// 0 while it serves one. Written by its event loop, read by the registry.
final class WaitingMark: Sendable {
    private let since = Atomic<UInt64>(0)

    func waiting(since uptime: UInt64) { since.store(max(uptime, 1), ordering: .relaxed) }
    func busy() { since.store(0, ordering: .relaxed) }
    var waitingSince: UInt64? {
        let value = since.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}

/// Counts the open connections and knows which are waiting for a request.
/// At the cap, a new connection takes the place of the one that has waited
/// longest for a request (a slow or idle client holds no request of anyone's),
/// and is answered 503 only when every connection is busy. Its lock is taken
/// when a connection opens or closes, never per request.
final class ConnectionRegistry: Sendable {
    enum Admission { case admitted(WaitingMark), refused }

    private struct Entry {
        let channel: any Channel
        let mark: WaitingMark
    }

    let maximum: Int
    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])
    private let gauge = Meter(label: "trent_connections_open")

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Admits a new connection, closing the longest-waiting one if the cap is reached.
    func admit(_ channel: any Channel) -> Admission {
        let mark = WaitingMark()
        mark.waiting(since: NIODeadline.now().uptimeNanoseconds)
        let (admitted, evicted): (Bool, (any Channel)?) = entries.withLock { entries in
            var evicted: (any Channel)?
            if entries.count >= maximum {
                let oldest = entries.compactMap { id, entry in entry.mark.waitingSince.map { (id, entry.channel, $0) } }
                    .min { $0.2 < $1.2 }
                guard let oldest else { return (false, nil) }
                entries[oldest.0] = nil
                evicted = oldest.1
            }
            entries[ObjectIdentifier(channel)] = Entry(channel: channel, mark: mark)
            return (true, evicted)
        }
        guard admitted else { return .refused }
        // An evicted connection leaves the count now; its close may take a moment.
        evicted?.close(promise: nil)
        if evicted == nil { gauge.increment() }
        channel.closeFuture.whenComplete { [self] _ in closed(channel) }
        return .admitted(mark)
    }

    private func closed(_ channel: any Channel) {
        let removed = entries.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) != nil }
        if removed { gauge.decrement() }
    }

    /// Closes every connection, in flight or not: the end of a graceful shutdown that ran out of time.
    func closeAll() -> Int {
        let channels = entries.withLock { $0.values.map(\.channel) }
        for channel in channels { channel.close(promise: nil) }
        return channels.count
    }
}
