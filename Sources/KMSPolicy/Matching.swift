/// `*` matches any run of characters (including none, and across `:` and `/`), `?` exactly one.
struct Glob: Sendable, Equatable {
    enum Token: Sendable, Equatable {
        case character(Character)
        case anyRun
        case anyCharacter

        init(wildcard character: Character) {
            switch character {
            case "*": self = .anyRun
            case "?": self = .anyCharacter
            default: self = .character(character)
            }
        }
    }

    let tokens: [Token]
    /// How `matches` can decide without walking characters: most policies say
    /// `*`, a whole name or a `prefix*`, and the request path checks them all.
    private let shape: Shape

    private enum Shape: Sendable, Equatable {
        case anything
        case literal(String)
        case prefix(String)
        case general
    }

    init(tokens: [Token]) {
        self.tokens = tokens
        let wildcards = tokens.lazy.filter { $0 != .anyRun && !Self.isCharacter($0) }
        let literal = String(tokens.compactMap { if case .character(let c) = $0 { c } else { nil } })
        if tokens == [.anyRun] {
            shape = .anything
        } else if tokens.allSatisfy(Self.isCharacter) {
            shape = .literal(literal)
        } else if wildcards.isEmpty, tokens.last == .anyRun, tokens.dropLast().allSatisfy(Self.isCharacter) {
            shape = .prefix(literal)
        } else {
            shape = .general
        }
    }

    private static func isCharacter(_ token: Token) -> Bool {
        if case .character = token { true } else { false }
    }

    /// Every `*` and `?` in the text is a wildcard.
    init(pattern: String) {
        self.init(tokens: pattern.map(Token.init(wildcard:)))
    }

    func matches(_ text: String) -> Bool {
        switch shape {
        case .anything: true
        case .literal(let literal): text == literal
        case .prefix(let prefix): text.hasPrefix(prefix)
        case .general: matches(Array(text))
        }
    }

    /// Linear backtracking match: on a mismatch, retry from the last `*` consuming one more character.
    func matches(_ text: [Character]) -> Bool {
        var t = 0
        var s = 0
        var lastStar: (token: Int, text: Int)?
        while s < text.count {
            if t < tokens.count {
                switch tokens[t] {
                case .anyRun:
                    lastStar = (t, s)
                    t += 1
                    continue
                case .anyCharacter:
                    t += 1
                    s += 1
                    continue
                case .character(let c) where c == text[s]:
                    t += 1
                    s += 1
                    continue
                case .character:
                    break
                }
            }
            guard let star = lastStar else { return false }
            lastStar = (star.token, star.text + 1)
            t = star.token + 1
            s = star.text + 1
        }
        return tokens[t...].allSatisfy { $0 == .anyRun }
    }

    /// The six ARN components `arn:partition:service:region:account:resource`; the resource
    /// component keeps any further colons. Nil when there are fewer than six.
    func arnComponents() -> [Glob]? {
        var components: [[Token]] = [[]]
        for token in tokens {
            if token == .character(":"), components.count < 6 {
                components.append([])
            } else {
                components[components.count - 1].append(token)
            }
        }
        return components.count == 6 ? components.map(Glob.init(tokens:)) : nil
    }
}

enum ARN {
    static func components(_ arn: String) -> [[Character]]? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        return parts.map(Array.init)
    }

    /// ArnEquals/ArnLike: each of the six components is matched separately (case-sensitively), so a
    /// wildcard never spans a colon except inside the resource component.
    static func matches(_ arn: String, pattern: PolicyString) -> Bool {
        guard let actual = components(arn), actual[0] == Array("arn"),
              let expected = pattern.glob.arnComponents()
        else { return false }
        return zip(expected, actual).allSatisfy { $0.matches($1) }
    }
}
