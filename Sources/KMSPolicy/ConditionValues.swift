import Foundation

/// Parsers for typed condition values. Each returns nil for text the operator cannot interpret;
/// the comparison is then neither a match nor a mismatch (see Condition.evaluate).
enum ConditionValue {
    /// Integers and decimals such as "10", "-2.5"; no exponents, hex, "inf" or "nan".
    static func number(_ text: String) -> Double? {
        var body = Substring(text)
        if body.first == "-" { body = body.dropFirst() }
        let pieces = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        return Double(text)
    }

    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    static func binary(_ text: String) -> Data? {
        Data(base64Encoded: text)
    }

    /// Seconds since the epoch for ISO 8601 (`2024-05-01`, `2024-05-01T12:00:00Z`, with optional
    /// fractional seconds and `±hh:mm` offset) or for epoch seconds (`1714564800`).
    static func date(_ text: String) -> Double? {
        if !text.hasPrefix("-"), let epoch = number(text) {
            return epoch
        }
        var scanner = DateScanner(Array(text.utf8))
        return scanner.parseISO8601()
    }

    /// An address is a network with a full-length prefix.
    static func network(_ text: String) -> IPNetwork? {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = address(String(parts[0])) else { return nil }
        let maximum = address.count * 8
        guard parts.count == 2 else { return IPNetwork(address: address, prefixLength: maximum) }
        guard !parts[1].isEmpty, parts[1].count <= 3, parts[1].allSatisfy(\.isASCIIDigit),
              let length = Int(parts[1]), length <= maximum
        else { return nil }
        return IPNetwork(address: address, prefixLength: length)
    }

    /// 4 bytes for IPv4, 16 for IPv6 (with `::` compression and an optional dotted IPv4 tail).
    static func address(_ text: String) -> [UInt8]? {
        text.contains(":") ? ipv6(text) : ipv4(text)
    }

    /// Four decimal octets of one to three digits each; read byte by byte, since
    /// the request's source address is parsed on every request a condition names it.
    private static func ipv4(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4)
        var value = 0
        var digits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                guard digits <= 3, value <= 255 else { return nil }
            case UInt8(ascii: "."):
                guard digits > 0, bytes.count < 3 else { return nil }
                bytes.append(UInt8(value))
                (value, digits) = (0, 0)
            default:
                return nil
            }
        }
        guard digits > 0, bytes.count == 3 else { return nil }
        bytes.append(UInt8(value))
        return bytes
    }

    private static func ipv6(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        guard let head = ipv6Groups(halves[0]) else { return nil }
        if halves.count == 1 {
            return head.count == 16 ? head : nil
        }
        guard let tail = ipv6Groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// The bytes of colon-separated hex groups; the last group may be a dotted IPv4 address.
    private static func ipv6Groups(_ text: String) -> [UInt8]? {
        if text.isEmpty { return [] }
        let groups = text.split(separator: ":", omittingEmptySubsequences: false)
        var bytes: [UInt8] = []
        for (index, group) in groups.enumerated() {
            if index == groups.count - 1, group.contains(".") {
                guard let v4 = ipv4(String(group)) else { return nil }
                bytes += v4
            } else {
                guard (1...4).contains(group.count), group.allSatisfy(\.isHexDigit), let value = UInt16(group, radix: 16) else {
                    return nil
                }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
        }
        return bytes
    }
}

struct IPNetwork: Sendable {
    let address: [UInt8]
    let prefixLength: Int

    /// Compares the first `prefixLength` bits; IPv4 and IPv6 never match each other.
    func contains(_ other: [UInt8]) -> Bool {
        guard other.count == address.count else { return false }
        var remaining = prefixLength
        for (mine, theirs) in zip(address, other) where remaining > 0 {
            let bits = min(remaining, 8)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if mine & mask != theirs & mask { return false }
            remaining -= bits
        }
        return true
    }
}

/// Hand-rolled ISO 8601 reader: Foundation's formatters need one fixed format per instance and
/// are not Sendable-friendly; policies mix date-only, whole-second and fractional forms.
private struct DateScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseISO8601() -> Double? {
        guard let year = digits(4), take("-"), let month = digits(2), take("-"), let day = digits(2),
              (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var seconds = Double(Self.daysFromCivil(year: year, month: month, day: day) * 86_400)
        if index == bytes.count { return seconds }
        guard take("T"), let hour = digits(2), take(":"), let minute = digits(2),
              hour < 24, minute < 60
        else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if take(":") {
            guard let second = digits(2), second < 60 else { return nil }
            seconds += Double(second)
            if take(".") {
                let start = index
                while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
                guard index > start, let fraction = Double("0." + String(decoding: bytes[start..<index], as: UTF8.self)) else {
                    return nil
                }
                seconds += fraction
            }
        }
        if take("Z") {
            return index == bytes.count ? seconds : nil
        }
        // No zone designator means UTC; otherwise ±hh:mm is subtracted to get UTC.
        if index == bytes.count { return seconds }
        let sign: Double
        if take("+") { sign = 1 } else if take("-") { sign = -1 } else { return nil }
        guard let offsetHours = digits(2), take(":"), let offsetMinutes = digits(2), index == bytes.count,
              offsetHours < 24, offsetMinutes < 60
        else { return nil }
        return seconds - sign * Double(offsetHours * 3600 + offsetMinutes * 60)
    }

    private mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    private mutating func digits(_ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + count] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += count
        return value
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension Character {
    var isASCIIDigit: Bool {
        isASCII && isNumber
    }
}
