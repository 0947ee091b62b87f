/// Parses `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
enum AuthorizationHeader {
    static func parse(_ value: String) throws(SigV4Error) -> SignatureParameters {
        // Scanned as UTF-8 code units, not Characters: this runs on every request.
        let trimmed = Substring(value).trimmingSpaces
        let algorithmEnd = trimmed.utf8.firstIndex(where: isASCIISpace) ?? trimmed.endIndex
        let algorithm = trimmed[..<algorithmEnd]
        guard algorithm == SigV4.algorithm else {
            throw .incomplete("Unsupported AWS 'algorithm': '\(algorithm)'.")
        }
        var credential: Substring?
        var signedHeaders: Substring?
        var signature: Substring?
        for component in trimmed[algorithmEnd...].utf8.split(separator: UInt8(ascii: ",")) {
            let pair = Substring(component).trimmingSpaces
            guard let equals = pair.utf8.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let value = pair[pair.utf8.index(after: equals)...].trimmingSpaces
            switch pair[..<equals].trimmingSpaces {
            case "Credential": credential = value
            case "SignedHeaders": signedHeaders = value
            case "Signature": signature = value
            default: continue
            }
        }
        var missing: [String] = []
        if credential?.isEmpty ?? true { missing.append("Authorization header requires 'Credential' parameter.") }
        if signature?.isEmpty ?? true { missing.append("Authorization header requires 'Signature' parameter.") }
        if signedHeaders?.isEmpty ?? true {
            missing.append("Authorization header requires 'SignedHeaders' parameter.")
        }
        guard missing.isEmpty, let credential, let signedHeaders, let signature else {
            throw .incomplete(missing.joined(separator: " "))
        }
        return SignatureParameters(
            source: .header,
            credential: try CredentialScope(parsing: String(credential)),
            signedHeaders: signedHeaders.utf8.split(separator: UInt8(ascii: ";")).map { String(Substring($0)) },
            signature: String(signature),
            queryDate: nil,
            querySecurityToken: nil)
    }
}
