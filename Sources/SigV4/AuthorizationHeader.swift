/// Parses `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
enum AuthorizationHeader {
    static func parse(_ value: String) throws(SigV4Error) -> SignatureParameters {
        let trimmed = value.drop { $0 == " " || $0 == "\t" }
        let algorithm = trimmed.prefix { $0 != " " && $0 != "\t" }
        guard algorithm == SigV4.algorithm else {
            throw .incomplete("Unsupported AWS 'algorithm': '\(algorithm)'.")
        }
        var credential: Substring?
        var signedHeaders: Substring?
        var signature: Substring?
        for component in trimmed.dropFirst(algorithm.count).split(separator: ",") {
            let pair = component.trimmingSpaces
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let value = pair[pair.index(after: equals)...].trimmingSpaces
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
            signedHeaders: signedHeaders.split(separator: ";").map(String.init),
            signature: String(signature),
            queryDate: nil,
            querySecurityToken: false)
    }
}
