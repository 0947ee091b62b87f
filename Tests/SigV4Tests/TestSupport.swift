import Foundation
import SigV4

/// Returns fixed secrets, with the access key ID as the identity; nil for
/// unknown access keys and for a session token other than the key's own
/// (a key without a token in `tokens` takes none).
struct StaticCredentials: SigV4CredentialProvider {
    let secrets: [String: String]
    let tokens: [String: String]

    init(_ secrets: [String: String], tokens: [String: String] = [:]) {
        self.secrets = secrets
        self.tokens = tokens
    }

    func credential(for accessKeyID: String, sessionToken: String?) async throws -> SigV4Credential<String>? {
        guard sessionToken == tokens[accessKeyID] else { return nil }
        return secrets[accessKeyID].map { SigV4Credential(secretAccessKey: $0, identity: accessKeyID) }
    }
}

/// A credential store that is down.
struct FailingCredentials: SigV4CredentialProvider {
    struct Unavailable: Error {}

    func credential(for accessKeyID: String, sessionToken: String?) async throws -> SigV4Credential<String>? { throw Unavailable() }
}

/// Parses the raw HTTP/1.1 requests of the test suite: `METHOD target HTTP/1.1`,
/// `Name:value` lines (continuation lines starting with whitespace are kept,
/// joined by `\n`, like an obs-folded header), a blank line, then the body.
func parseHTTPRequest(_ text: String) -> (request: SigV4Request, body: [UInt8]) {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let requestLine = lines[0]
    let method = requestLine.prefix { $0 != " " }
    var target = requestLine.dropFirst(method.count + 1)
    if target.hasSuffix(" HTTP/1.1") { target = target.dropLast(" HTTP/1.1".count) }
    let path = target.prefix { $0 != "?" }
    let query = target.dropFirst(path.count + 1)

    var headers: [(name: String, value: String)] = []
    var index = 1
    while index < lines.count, !lines[index].isEmpty {
        let line = lines[index]
        if line.first == " " || line.first == "\t", !headers.isEmpty {
            headers[headers.count - 1].value += "\n" + line
        } else if let colon = line.firstIndex(of: ":") {
            headers.append((name: String(line[..<colon]), value: String(line[line.index(after: colon)...])))
        }
        index += 1
    }
    let body = index + 1 < lines.count ? lines[(index + 1)...].joined(separator: "\n") : ""
    return (
        SigV4Request(method: String(method), path: String(path), query: String(query), headers: headers),
        Array(body.utf8)
    )
}

extension SigV4Request {
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    func removingHeader(_ name: String) -> SigV4Request {
        var copy = self
        copy.headers.removeAll { $0.name.lowercased() == name.lowercased() }
        return copy
    }

    func settingHeader(_ name: String, _ value: String) -> SigV4Request {
        var copy = removingHeader(name)
        copy.headers.append((name: name, value: value))
        return copy
    }

    /// Decoded value of a query parameter.
    func queryParameter(_ name: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == name { return parts.count > 1 ? String(parts[1]).removingPercentEncoding : "" }
        }
        return nil
    }
}

func utcDate(_ iso8601: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: iso8601)!
}
