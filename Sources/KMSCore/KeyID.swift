public import Foundation

/// A customer master key's identifier: a UUID, printed lowercase as AWS does.
public struct KeyID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let uuid: UUID

    public init(uuid: UUID) { self.uuid = uuid }

    public init?(_ string: some StringProtocol) {
        // AWS key IDs are the canonical 36-character form; reject anything else
        // so that lookups can't alias through case or brace variants.
        guard string.count == 36, string == string.lowercased(), let uuid = UUID(uuidString: String(string)) else { return nil }
        self.uuid = uuid
    }

    public static func generate() -> KeyID { KeyID(uuid: UUID()) }

    public var description: String { uuid.uuidString.lowercased() }

    public static func < (lhs: KeyID, rhs: KeyID) -> Bool { lhs.description < rhs.description }
}
