import KMSCore
import Synchronization
import Testing

@Suite("Token-bucket rate limits")
struct RateLimitTests {
    /// A clock moved by hand.
    final class Clock: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
    }

    @Test func aBurstIsServedThenRefusedUntilTokensRefill() {
        let clock = Clock()
        let buckets = TokenBuckets(rate: 10, burst: 5, now: { clock.now })
        let served = (0..<8).filter { _ in buckets.take("alice") }.count
        #expect(served == 5)
        clock.advance(.milliseconds(99))
        #expect(!buckets.take("alice"))
        clock.advance(.milliseconds(1))
        #expect(buckets.take("alice"))
        #expect(!buckets.take("alice"))
    }

    @Test func eachNameHasItsOwnBucket() {
        let clock = Clock()
        let buckets = TokenBuckets(rate: 1, burst: 2, now: { clock.now })
        #expect(buckets.take("alice") && buckets.take("alice"))
        #expect(!buckets.take("alice"))
        #expect(buckets.take("bob"))
    }

    @Test func anIdleBucketRefillsOnlyToItsBurst() {
        let clock = Clock()
        let buckets = TokenBuckets(rate: 100, burst: 3, now: { clock.now })
        #expect(buckets.take("alice"))
        clock.advance(.seconds(3600))
        #expect((0..<10).filter { _ in buckets.take("alice") }.count == 3)
    }
}
