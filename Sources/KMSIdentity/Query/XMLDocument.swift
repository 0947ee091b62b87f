public import Foundation

/// A small XML tree for Query protocol responses: elements with text or
/// children, written without attributes except the root's namespace.
public indirect enum XMLNode: Sendable {
    case element(String, [XMLNode])
    case text(String, String)

    public static func text(_ name: String, _ value: String?) -> XMLNode? {
        value.map { .text(name, $0) }
    }

    public static func date(_ name: String, _ date: Date) -> XMLNode {
        .text(name, date.formatted(.iso8601))
    }

    public static func bool(_ name: String, _ value: Bool) -> XMLNode {
        .text(name, value ? "true" : "false")
    }

    /// A Query list: `<Name><member>…</member>…</Name>`.
    public static func members(_ name: String, _ items: [[XMLNode]]) -> XMLNode {
        .element(name, items.map { .element("member", $0) })
    }

    public static func memberTexts(_ name: String, _ items: [String]) -> XMLNode {
        .element(name, items.map { .text("member", $0) })
    }

    func write(into out: inout String) {
        switch self {
        case .element(let name, let children):
            out += "<\(name)>"
            for child in children { child.write(into: &out) }
            out += "</\(name)>"
        case .text(let name, let value):
            out += "<\(name)>"
            Self.escape(value, into: &out)
            out += "</\(name)>"
        }
    }

    static func escape(_ text: String, into out: inout String) {
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.unicodeScalars.append(character)
            }
        }
    }
}

/// The two Query APIs served on the KMS endpoint.
public enum QueryService: String, Sendable, CaseIterable {
    case iam, sts

    public var apiVersion: String {
        switch self {
        case .iam: "2010-05-08"
        case .sts: "2011-06-15"
        }
    }

    public var namespace: String { "https://\(rawValue).amazonaws.com/doc/\(apiVersion)/" }
    public var eventSource: String { "\(rawValue).amazonaws.com" }

    /// `<ActionResponse xmlns=…><ActionResult>…</ActionResult><ResponseMetadata>…</ResponseMetadata></ActionResponse>`.
    public func response(action: String, result: [XMLNode], requestID: String) -> [UInt8] {
        var out = "<\(action)Response xmlns=\"\(namespace)\">"
        XMLNode.element("\(action)Result", result).write(into: &out)
        XMLNode.element("ResponseMetadata", [.text("RequestId", requestID)]).write(into: &out)
        out += "</\(action)Response>"
        return Array(out.utf8)
    }

    /// `<ErrorResponse><Error><Type>…</Type><Code>…</Code><Message>…</Message></Error><RequestId>…</RequestId></ErrorResponse>`.
    public func errorResponse(code: String, message: String, isServerFault: Bool, requestID: String) -> [UInt8] {
        var out = "<ErrorResponse xmlns=\"\(namespace)\">"
        XMLNode.element("Error", [
            .text("Type", isServerFault ? "Receiver" : "Sender"), .text("Code", code), .text("Message", message),
        ]).write(into: &out)
        XMLNode.text("RequestId", requestID).write(into: &out)
        out += "</ErrorResponse>"
        return Array(out.utf8)
    }
}
