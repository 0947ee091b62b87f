/// The `Credential` value: `<AKID>/<yyyymmdd>/<region>/<service>/aws4_request`.
struct CredentialScope: Sendable {
    let accessKeyID: String
    let date: String
    let region: String
    let service: String

    /// Everything after the access key id, as it appears in the string to sign.
    var scope: String { SigV4.scope(date: date, region: region, service: service) }

    init(parsing credential: String) throws(SigV4Error) {
        let parts = credential.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { Substring($0) }
        guard parts.count == 5 else {
            throw .incomplete(
                "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
                    + "got '\(credential)'")
        }
        guard parts[4] == SigV4.scopeTerminator else {
            throw .incomplete("Credential should be scoped with a valid terminator: 'aws4_request', not '\(parts[4])'.")
        }
        guard !parts[0].isEmpty, !parts[2].isEmpty, !parts[3].isEmpty else {
            throw .incomplete("Credential has an empty element: '\(credential)'.")
        }
        guard parts[1].utf8.count == 8, parts[1].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else {
            throw .incomplete("Credential date must be in the format yyyyMMdd, got '\(parts[1])'.")
        }
        accessKeyID = String(parts[0])
        date = String(parts[1])
        region = String(parts[2])
        service = String(parts[3])
    }
}
