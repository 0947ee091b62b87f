import KMSCore
import KMSIdentity
import KMSProtocol
import Metrics
import Synchronization

/// Requests by API, operation and outcome, their latency, and those in
/// flight, through swift-metrics. Labels come from closed sets only (known
/// operations, AWS error names), so that no caller can grow the number of
/// series: an unknown operation counts as "unknown".
final class RequestMetrics: Sendable {
    private struct Series: Hashable {
        var api: String
        var operation: String
        var outcome: String
    }

    private let counters = Mutex<[Series: Counter]>([:])
    private let timers = Mutex<[Series: Timer]>([:])
    private let inFlight = Meter(label: "trent_requests_in_flight")

    func begin() {
        inFlight.increment()
    }

    /// Ends a request `begin` counted. `api` is nil for a request that did not authenticate.
    func record(api: String?, operation: String, outcome: String, duration: Duration) {
        inFlight.decrement()
        let api = api ?? "unauthenticated"
        let operation = Self.isKnown(operation, api: api) ? operation : "unknown"
        let series = Series(api: api, operation: operation, outcome: outcome)
        let counter = counters.withLock { counters in
            if let counter = counters[series] { return counter }
            let counter = Counter(
                label: "trent_requests_total", dimensions: [("api", api), ("operation", operation), ("outcome", outcome)]
            )
            counters[series] = counter
            return counter
        }
        counter.increment()
        let timing = Series(api: api, operation: operation, outcome: "")
        let timer = timers.withLock { timers in
            if let timer = timers[timing] { return timer }
            let timer = Timer(label: "trent_request_duration_seconds", dimensions: [("api", api), ("operation", operation)])
            timers[timing] = timer
            return timer
        }
        timer.record(duration: duration)
    }

    private static func isKnown(_ operation: String, api: String) -> Bool {
        switch api {
        case "kms": OperationName(rawValue: operation) != nil
        case "cloudtrail": operation == "LookupEvents"
        case "unauthenticated": OperationName(rawValue: operation) != nil || operation == "LookupEvents"
        default: QueryService(rawValue: api).map { QueryPipeline.serves(operation, in: $0) } ?? false
        }
    }
}
