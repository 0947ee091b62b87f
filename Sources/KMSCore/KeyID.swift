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
    public init?(_ string: some StringProtocol) {
        var bytes = [UInt8](repeating: 0, count: 16)
        var count = 0
        var high: UInt8?
        for (position, character) in string.utf8.enumerated() {
            if position == 8 || position == 13 || position == 18 || position == 23 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            default: return nil
            }
            if let first = high {
                guard count < 16 else { return nil }
                bytes[count] = first << 4 | nibble
                count += 1
                high = nil
            } else {
                high = nibble
            }
        }
        guard count == 16, high == nil else { return nil }
        uuid = UUID(uuid: bytes.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) })
        description = String(string)
    }

    public static func generate() -> KeyID { KeyID(uuid: UUID()) }

    public static func == (lhs: KeyID, rhs: KeyID) -> Bool { lhs.uuid == rhs.uuid }
    public func hash(into hasher: inout Hasher) { hasher.combine(uuid) }
    public static func < (lhs: KeyID, rhs: KeyID) -> Bool { lhs.description < rhs.description }
}
