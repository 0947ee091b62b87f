public struct ListRetirableGrantsRequest: Codable, Sendable {
    public var RetiringPrincipal: String
    public var Limit: Int?
    public var Marker: String?
}
