/// Parses the `X-Amz-*` query parameters of a presigned request.
enum PresignedQuery {
    /// A presigned URL is valid for at most a week.
    static let maxExpires = 604_800

    /// Nil when the query carries no `X-Amz-Signature`, i.e. is not presigned.
    static func parse(_ query: String) throws(SigV4Error) -> SignatureParameters? {
        guard query.contains("X-Amz-") else { return nil }
        var parameters: [String: String] = [:]
        for component in Array(query.utf8).split(separator: UInt8(ascii: "&")) {
            let equals = component.firstIndex(of: UInt8(ascii: "=")) ?? component.endIndex
            let key = String(decoding: PercentEncoding.decode(component[..<equals]), as: UTF8.self)
            guard key.hasPrefix("X-Amz-"), parameters[key] == nil else { continue }
            let value = equals == component.endIndex ? [] : component[(equals + 1)...]
            parameters[key] = String(decoding: PercentEncoding.decode(value), as: UTF8.self)
        }
        guard parameters["X-Amz-Signature"] != nil else { return nil }

        let required = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders"]
        let missing = required.filter { parameters[$0]?.isEmpty ?? true }
        guard missing.isEmpty, let algorithm = parameters["X-Amz-Algorithm"],
            let credential = parameters["X-Amz-Credential"], let date = parameters["X-Amz-Date"],
            let expiresText = parameters["X-Amz-Expires"], let signedHeaders = parameters["X-Amz-SignedHeaders"],
            let signature = parameters["X-Amz-Signature"], !signature.isEmpty
        else {
            let names = (missing.isEmpty ? ["X-Amz-Signature"] : missing).map { "'\($0)'" }
            throw .incomplete(
                "AWS query-string parameters must include \(names.joined(separator: ", ")). "
                    + "Re-examine the query-string parameters.")
        }
        guard algorithm == SigV4.algorithm else {
            throw .incomplete("Unsupported AWS 'algorithm': '\(algorithm)'.")
        }
        guard let expires = Int(expiresText), (1...maxExpires).contains(expires) else {
            throw .incomplete(
                "X-Amz-Expires must be an integer between 1 and \(maxExpires) seconds, got '\(expiresText)'.")
        }
        return SignatureParameters(
            source: .query(expires: expires),
            credential: try CredentialScope(parsing: credential),
            signedHeaders: signedHeaders.split(separator: ";").map(String.init),
            signature: signature,
            queryDate: date,
            querySecurityToken: parameters["X-Amz-Security-Token"])
    }
}
