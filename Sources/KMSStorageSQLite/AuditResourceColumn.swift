import Foundation
import KMSCore

/// A record's resources in its own row, as the JSON array SQLite's
/// `json_each` expands into the search index: `[{"type":…,"name":…}]`.
enum AuditResourceColumn {
    /// Written on every commit, so by hand rather than through an encoder.
    static func encode(_ resources: [AuditResource]) -> String {
        if resources.isEmpty { return "[]" }
        var json = "["
        for (index, resource) in resources.enumerated() {
            if index > 0 { json += "," }
            json += "{\"type\":"
            appendString(resource.type, to: &json)
            json += ",\"name\":"
            appendString(resource.name, to: &json)
            json += "}"
        }
        return json + "]"
    }

    static func decode(_ column: String) -> [AuditResource]? {
        guard let entries = try? JSONDecoder().decode([Entry].self, from: Data(column.utf8)) else { return nil }
        return entries.map { AuditResource(type: $0.type, name: $0.name) }
    }

    private struct Entry: Decodable {
        var type: String
        var name: String
    }

    private static func appendString(_ value: String, to json: inout String) {
        json += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": json += "\\\""
            case "\\": json += "\\\\"
            case _ where scalar.value < 0x20: json += String(format: "\\u%04x", scalar.value)
            default: json.unicodeScalars.append(scalar)
            }
        }
        json += "\""
    }
}
