import Foundation
public import KMSCore

/// The parameters of one AWS Query protocol request: a form-encoded body
/// (`Action=CreateUser&Version=2010-05-08&UserName=…`). Lists and maps use
/// Query's flattened names: `Tags.member.1.Key`, `TagKeys.member.2`.
public struct QueryParameters: Sendable {
    public let values: [String: String]

    /// Parses `application/x-www-form-urlencoded`; a malformed escape or a repeated name is refused.
    public init(formBody body: [UInt8]) throws(KMSError) {
        var values: [String: String] = [:]
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : []) else {
                throw KMSError.validation("The request body is not valid form encoding.")
            }
            guard values.updateValue(value, forKey: name) == nil else {
                throw KMSError.validation("The parameter \(name) appears more than once.")
            }
        }
        self.values = values
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex,
                      let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else { return nil }
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    public subscript(name: String) -> String? { values[name] }

    public func required(_ name: String) throws(KMSError) -> String {
        guard let value = values[name] else {
            throw KMSError.validation("1 validation error detected: Value null at '\(Self.memberName(name))' failed to satisfy constraint: Member must not be null")
        }
        return value
    }

    /// A string with the model's length bounds.
    public func string(_ name: String, length: ClosedRange<Int>, required isRequired: Bool = true) throws(KMSError) -> String? {
        guard let value = isRequired ? try required(name) : values[name] else { return nil }
        guard length.contains(value.unicodeScalars.count) else {
            throw KMSError.validation(
                "1 validation error detected: Value at '\(Self.memberName(name))' failed to satisfy constraint: "
                    + "Member must have length between \(length.lowerBound) and \(length.upperBound)"
            )
        }
        return value
    }

    public func integer(_ name: String, in range: ClosedRange<Int>) throws(KMSError) -> Int? {
        guard let text = values[name] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw KMSError.validation(
                "1 validation error detected: Value '\(text)' at '\(Self.memberName(name))' failed to satisfy constraint: "
                    + "Member must have value between \(range.lowerBound) and \(range.upperBound)"
            )
        }
        return value
    }

    /// `Name.member.1`, `Name.member.2`, … in order, stopping at the first gap.
    public func list(_ name: String) -> [String] {
        var items: [String] = []
        while let item = values["\(name).member.\(items.count + 1)"] { items.append(item) }
        return items
    }

    /// `Tags.member.N.Key` / `.Value`, checked as IAM checks tags.
    public func tags(_ name: String = "Tags") throws(KMSError) -> [ResourceTag] {
        var tags: [ResourceTag] = []
        while let key = values["\(name).member.\(tags.count + 1).Key"] {
            let value = values["\(name).member.\(tags.count + 1).Value"] ?? ""
            guard (1...128).contains(key.unicodeScalars.count), value.unicodeScalars.count <= 256 else {
                throw KMSError.validation("Tag keys are 1 to 128 characters and tag values at most 256.")
            }
            guard !key.lowercased().hasPrefix("aws:") else {
                throw KMSError.validation("Tag keys beginning with 'aws:' are reserved for AWS.")
            }
            tags.append(ResourceTag(key: key, value: value))
        }
        guard tags.count <= 50 else { throw KMSError(.limitExceeded, "A resource has at most 50 tags.") }
        return tags
    }

    /// Query names are PascalCase; AWS's validation messages name members in camelCase.
    private static func memberName(_ name: String) -> String {
        name.prefix(1).lowercased() + name.dropFirst()
    }
}
