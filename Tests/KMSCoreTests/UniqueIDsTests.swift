import Foundation
import KMSCore
import Testing

@Suite("Unique IDs")
struct UniqueIDsTests {
    /// Request and event IDs are version-4 UUIDs that share nothing in sequence:
    /// a counter in them would tell any caller how many requests were served.
    @Test func idsAreRandomLookingVersion4UUIDs() throws {
        let generator = UniqueIDs()
        let ids = (0..<2000).map { _ in generator.next() }
        #expect(Set(ids).count == ids.count)
        let pattern = try Regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        #expect(ids.allSatisfy { $0.wholeMatch(of: pattern) != nil })
        // Consecutive IDs agree in a given hex digit about one time in sixteen; a counter or a fixed prefix would agree far more.
        for position in [0, 7, 9, 15, 20, 35] {
            let agreeing = zip(ids, ids.dropFirst()).filter { Array($0.0)[position] == Array($0.1)[position] }.count
            #expect(agreeing < 250, "digit \(position) agreed \(agreeing) times in 1999 consecutive pairs")
        }
        #expect(UniqueIDs().next() != generator.next())
    }

    /// Event IDs are version-7 UUIDs, ordered by time (they are indexed), random after the time.
    @Test func eventIDsAreTimeOrderedVersion7UUIDs() throws {
        let generator = UniqueIDs(timeOrdered: true)
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        let ids = (0..<2000).map { _ in generator.next() }
        let after = UInt64(Date().timeIntervalSince1970 * 1000)
        #expect(Set(ids).count == ids.count)
        let pattern = try Regex("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        #expect(ids.allSatisfy { $0.wholeMatch(of: pattern) != nil })
        let times = ids.map { UInt64($0.prefix(13).replacingOccurrences(of: "-", with: ""), radix: 16)! }
        #expect(times == times.sorted())
        #expect(times.allSatisfy { (before...after).contains($0) })
        let tails = Set(ids.map { $0.suffix(12) })
        #expect(tails.count == ids.count)
    }
}
