import Foundation

/// A policy string that may contain policy variables (`${aws:username}`, `${key, 'default'}`,
/// `${*}`, `${?}`, `${$}`). Variables are substituted only under Version 2012-10-17; under
/// 2008-10-17 (or no Version) the text is taken as written, `${...}` included.
struct PolicyTemplate: Sendable {
    enum Part: Sendable, Equatable {
        /// Text written in the policy: `*` and `?` are wildcards for the operators that glob.
        case text(String)
        /// Text that must match literally: escapes and substituted values.
        case literal(String)
        case variable(key: String, fallback: String?)
    }

    let parts: [Part]
    /// The value itself when it has no variables, made once at parse time.
    private let constant: PolicyString?

    init(_ raw: String, substitutesVariables: Bool) {
        parts = substitutesVariables ? Self.split(raw) : [.text(raw)]
        let hasVariables = parts.contains { if case .variable = $0 { true } else { false } }
        constant = hasVariables ? nil : Self.substitute(parts) { _ in nil }
    }

    /// The string with variables substituted, or nil when a variable has no value and no default:
    /// AWS then treats the policy value as matching nothing.
    func resolve(_ context: EvaluationContext) -> PolicyString? {
        constant ?? Self.substitute(parts, context.variable)
    }

    private static func substitute(_ parts: [Part], _ variable: (String) -> String?) -> PolicyString? {
        var pieces: [PolicyString.Piece] = []
        for part in parts {
            switch part {
            case .text(let text):
                pieces.append(PolicyString.Piece(text: text, isPattern: true))
            case .literal(let text):
                pieces.append(PolicyString.Piece(text: text, isPattern: false))
            case .variable(let key, let fallback):
                // A substituted value is data, not policy: a user whose tag is "*" must not gain a
                // wildcard. The default is written by the policy author, so it keeps wildcards.
                if let value = variable(key) {
                    pieces.append(PolicyString.Piece(text: value, isPattern: false))
                } else if let fallback {
                    pieces.append(PolicyString.Piece(text: fallback, isPattern: true))
                } else {
                    return nil
                }
            }
        }
        return PolicyString(pieces: pieces)
    }

    private static func split(_ raw: String) -> [Part] {
        var parts: [Part] = []
        var rest = raw[...]
        while let open = rest.range(of: "${") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
            if open.lowerBound > rest.startIndex {
                parts.append(.text(String(rest[..<open.lowerBound])))
            }
            parts.append(variable(String(rest[open.upperBound..<close])))
            rest = rest[rest.index(after: close)...]
        }
        // An unterminated "${" is ordinary text.
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return parts
    }

    private static func variable(_ body: String) -> Part {
        switch body {
        case "*", "?", "$":
            return .literal(body)
        default:
            guard let comma = body.firstIndex(of: ",") else {
                return .variable(key: trimmed(body[...]), fallback: nil)
            }
            let key = trimmed(body[..<comma])
            let fallback = trimmed(body[body.index(after: comma)...])
            guard fallback.count >= 2, fallback.hasPrefix("'"), fallback.hasSuffix("'") else {
                // Not the `${key, 'default'}` form: keep it as a key that can never resolve.
                return .variable(key: body, fallback: nil)
            }
            return .variable(key: key, fallback: String(fallback.dropFirst().dropLast()))
        }
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

/// A policy value after substitution: the plain text for exact comparisons, and a glob that
/// remembers which characters came from the policy author (wildcards) and which are literal.
struct PolicyString: Sendable {
    struct Piece: Sendable {
        let text: String
        let isPattern: Bool
    }

    let pieces: [Piece]
    let text: String
    let glob: Glob
    /// The value read as an address or CIDR block, for IpAddress and
    /// NotIpAddress; read once, as a constant value is made once at parse time.
    let network: IPNetwork?

    init(pieces: [Piece]) {
        self.pieces = pieces
        text = pieces.map(\.text).joined()
        network = Self.mayBeAddress(text) ? ConditionValue.network(text) : nil
        glob = Glob(tokens: pieces.flatMap { piece in
            piece.text.map { character in piece.isPattern ? Glob.Token(wildcard: character) : .character(character) }
        })
    }

    /// Addresses start with a digit, a hex letter (IPv6) or a colon; most values need no attempt.
    private static func mayBeAddress(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return false }
        return first == UInt8(ascii: ":") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(first | 0x20)
    }
}
