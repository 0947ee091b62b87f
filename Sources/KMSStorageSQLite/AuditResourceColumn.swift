import Foundation
import KMSCore

/// A record's resources in its own row, as the JSON array SQLite's
/// `json_each` expands into the search index: `[{"type":…,"name":…}]`.
enum AuditResourceColumn {
    /// Written on every commit, so by hand, into bytes, rather than through an encoder.
    static func encode(_ resources: [AuditResource]) -> String {
        if resources.isEmpty { return "[]" }
        var json: [UInt8] = []
        json.reserveCapacity(resources.reduce(2) { $0 + $1.type.utf8.count + $1.name.utf8.count + 24 })
        json.append(UInt8(ascii: "["))
        for (index, resource) in resources.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json.append(contentsOf: "{\"type\":".utf8)
            JSONQuoting.appendQuoted(resource.type, to: &json)
            json.append(contentsOf: ",\"name\":".utf8)
            JSONQuoting.appendQuoted(resource.name, to: &json)
            json.append(UInt8(ascii: "}"))
        }
        json.append(UInt8(ascii: "]"))
        return String(decoding: json, as: UTF8.self)
    }

    static func decode(_ column: String) -> [AuditResource]? {
        guard let entries = try? JSONDecoder().decode([Entry].self, from: Data(column.utf8)) else { return nil }
        return entries.map { AuditResource(type: $0.type, name: $0.name) }
    }

    private struct Entry: Decodable {
        var type: String
        var name: String
    }
}
