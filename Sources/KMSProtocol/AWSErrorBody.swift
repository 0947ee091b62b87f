/// The body of every error response: `{"__type": "NotFoundException", "message": "…"}`.
public struct AWSErrorBody: Codable, Sendable {
    public var type: String
    public var message: String

    public init(type: String, message: String) {
        self.type = type
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case type = "__type"
        case message
    }
}
