import Foundation
import Synchronization

/// Request IDs shaped like UUIDs: a random per-process half and a counter.
/// Unique without a CSPRNG call and UUID formatting on every request.
final class RequestIDs: Sendable {
    private let prefix: [UInt8]
    private let counter = Atomic<UInt64>(0)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    init() {
        var random = SystemRandomNumberGenerator()
        prefix = Self.hex(random.next())
    }

    func next() -> String {
        let count = counter.add(1, ordering: .relaxed).newValue
        let tail = Self.hex(count)
        // 8-4-4-4-12, as AWS request IDs are.
        var text = [UInt8]()
        text.reserveCapacity(36)
        text += prefix[0..<8]; text.append(UInt8(ascii: "-"))
        text += prefix[8..<12]; text.append(UInt8(ascii: "-"))
        text += prefix[12..<16]; text.append(UInt8(ascii: "-"))
        text += tail[0..<4]; text.append(UInt8(ascii: "-"))
        text += tail[4..<16]
        return String(decoding: text, as: UTF8.self)
    }

    private static func hex(_ value: UInt64) -> [UInt8] {
        (0..<16).map { hexDigits[Int((value >> (60 - 4 * UInt64($0))) & 0xf)] }
    }
}
