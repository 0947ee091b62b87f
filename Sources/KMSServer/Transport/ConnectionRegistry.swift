import Metrics
import NIOCore
import Synchronization

/// Counts the open connections and knows which are waiting for a request.
/// At the cap, a new connection takes the place of the one that has waited
/// longest for a request (a slow or idle client holds no request of anyone's),
/// and is answered 503 only when every connection is busy.
final class ConnectionRegistry: Sendable {
    enum Admission { case admitted, refused }

    private struct Waiting {
        let channel: any Channel
        let since: ContinuousClock.Instant
    }

    private struct State {
        var open = 0
        var channels: [ObjectIdentifier: any Channel] = [:]
        var waiting: [ObjectIdentifier: Waiting] = [:]
    }

    let maximum: Int
    private let state = Mutex(State())
    private let gauge = Meter(label: "trent_connections_open")

    init(maximum: Int) {
        self.maximum = maximum
    }

    var openConnections: Int { state.withLock { $0.open } }

    /// Admits a new connection, closing the longest-waiting one if the cap is reached.
    func admit(_ channel: any Channel) -> Admission {
        let (admission, evicted): (Admission, (any Channel)?) = state.withLock { state in
            if state.open < maximum {
                state.open += 1
                state.channels[ObjectIdentifier(channel)] = channel
                return (.admitted, nil)
            }
            guard let oldest = state.waiting.min(by: { $0.value.since < $1.value.since }) else { return (.refused, nil) }
            state.waiting[oldest.key] = nil
            state.open += 1
            state.channels[ObjectIdentifier(channel)] = channel
            return (.admitted, oldest.value.channel)
        }
        evicted?.close(promise: nil)
        if admission == .admitted { gauge.increment() }
        return admission
    }

    /// Closes every connection, in flight or not: the end of a graceful shutdown that ran out of time.
    func closeAll() -> Int {
        let channels = state.withLock { Array($0.channels.values) }
        for channel in channels { channel.close(promise: nil) }
        return channels.count
    }

    func waiting(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withLock { $0.waiting[id] = Waiting(channel: channel, since: .now) }
    }

    func busy(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withLock { _ = $0.waiting.removeValue(forKey: id) }
    }

    func closed(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withLock { state in
            state.waiting[id] = nil
            state.channels[id] = nil
            state.open -= 1
        }
        gauge.decrement()
    }
}
