import Synchronization

/// Token buckets by name (a principal's ARN, a key's ARN): each refills at
/// `rate` tokens a second up to `burst`, and a request takes one. A bucket
/// that has refilled completely holds nothing worth keeping, so the map is
/// pruned of those when it grows.
public final class TokenBuckets: Sendable {
    public let rate: Double
    public let burst: Double
    private let now: @Sendable () -> ContinuousClock.Instant
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }
    private let buckets = Mutex<[String: Bucket]>([:])
    private static let pruneAbove = 100_000

    public init(rate: Double, burst: Double? = nil, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        precondition(rate > 0, "a rate limit needs a positive rate")
        self.rate = rate
        self.burst = max(1, burst ?? rate)
        self.now = now
    }

    /// Takes a token from `name`'s bucket; false when it is empty.
    public func take(_ name: String) -> Bool {
        let instant = now()
        return buckets.withLock { buckets in
            var bucket = buckets[name] ?? Bucket(tokens: burst, updated: instant)
            bucket.tokens = min(burst, bucket.tokens + Self.seconds(instant - bucket.updated) * rate)
            bucket.updated = instant
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[name] = bucket
            if buckets.count > Self.pruneAbove {
                buckets = buckets.filter { min(burst, $0.value.tokens + Self.seconds(instant - $0.value.updated) * rate) < burst }
            }
            return allowed
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}

/// The request-rate limits: per principal across every API, and per key for the KMS operations that use it.
public struct RateLimits: Sendable {
    public var perPrincipal: TokenBuckets?
    public var perKey: TokenBuckets?

    public init(perPrincipal: TokenBuckets? = nil, perKey: TokenBuckets? = nil) {
        self.perPrincipal = perPrincipal
        self.perKey = perKey
    }

    /// AWS's answer when a limit is reached; SDKs retry it with back-off.
    public static let exceeded = KMSError(.throttling, "Rate exceeded")
}
