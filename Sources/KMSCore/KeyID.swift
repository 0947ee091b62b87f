public import Foundation

/// A customer master key's identifier: a UUID, printed lowercase as AWS does.
///
/// The text form is kept alongside the UUID: it is what every response and
/// ARN carries, and formatting a UUID (or parsing one with Foundation, which
/// goes through sscanf) on every request is measurable on the data plane.
public struct KeyID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let uuid: UUID
    public let description: String

    public init(uuid: UUID) {
        self.uuid = uuid
        self.description = uuid.uuidString.lowercased()
    }

    /// Accepts only the canonical lowercase 36-character form, so lookups
    /// cannot alias through case or brace variants.
    public init?(_ text: String) {
        self.init(Substring(text))
    }

    /// Not generic over `StringProtocol`: callers in other modules would get
    /// an unspecialized parse, ten times slower.
    public init?(_ text: Substring) {
        guard text.utf8.count == 36 else { return nil }
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &uuid) { bytes -> Bool in
            var count = 0
            var high: UInt8?
            for (position, character) in text.utf8.enumerated() {
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    guard character == UInt8(ascii: "-") else { return false }
                    continue
                }
                let nibble: UInt8
                switch character {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
                default: return false
                }
                if let first = high {
                    bytes[count] = first << 4 | nibble
                    count += 1
                    high = nil
                } else {
                    high = nibble
                }
            }
            return true
        }
        guard parsed else { return nil }
        self.uuid = UUID(uuid: uuid)
        description = String(text)
    }

    public static func generate() -> KeyID { KeyID(uuid: UUID()) }

    public static func == (lhs: KeyID, rhs: KeyID) -> Bool { lhs.uuid == rhs.uuid }
    public func hash(into hasher: inout Hasher) { hasher.combine(uuid) }
    public static func < (lhs: KeyID, rhs: KeyID) -> Bool { lhs.description < rhs.description }
}
