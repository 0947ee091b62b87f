import Foundation

/// JSON 1.1 as AWS speaks it: base64 blobs, epoch-second timestamps, and
/// decoding failures reported as the exceptions AWS uses.
public enum WireCodec {
    /// Configured once and shared: Foundation's coders are Sendable, and
    /// making two per request showed on the data plane.
    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        decoder.dataDecodingStrategy = .base64
        return decoder
    }()

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.dataEncodingStrategy = .base64
        return encoder
    }()

    public static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(KMSError) -> T {
        // The SDKs send "{}" for operations without input, but an empty body means the same.
        let bytes = body.isEmpty ? Array("{}".utf8) : body
        do {
            return try decoder.decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, context) {
            throw KMSError.validation("1 validation error detected: Value null at '\(fieldPath(context.codingPath + [key]))' failed to satisfy constraint: Member must not be null")
        } catch let DecodingError.valueNotFound(_, context) {
            throw KMSError.validation("1 validation error detected: Value null at '\(fieldPath(context.codingPath))' failed to satisfy constraint: Member must not be null")
        } catch let DecodingError.typeMismatch(_, context) {
            throw KMSError(.serialization, "Unexpected value type for '\(fieldPath(context.codingPath))'.")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw KMSError(.serialization, "Invalid value for '\(fieldPath(context.codingPath))'.")
        } catch {
            throw KMSError(.serialization, "The request body is not a valid JSON object.")
        }
    }

    public static func encode<T: Encodable>(_ value: T) throws(KMSError) -> [UInt8] {
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw KMSError.internalFailure(error)
        }
    }

    /// AWS names members in camelCase in validation messages (`keyId`, `plaintext`).
    private static func fieldPath(_ path: [any CodingKey]) -> String {
        path.map { key in
            if let index = key.intValue { return "member[\(index)]" }
            return key.stringValue.prefix(1).lowercased() + key.stringValue.dropFirst()
        }.joined(separator: ".")
    }
}
