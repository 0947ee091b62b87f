import KMSProtocol

/// AWS KMS's rules for the tags on a key, shared by CreateKey and TagResource.
enum KeyTags {
    static let maximum = 50

    /// Each tag's lengths, the reserved `aws:` prefix and duplicates; the count is checked against what the key will hold.
    static func validate(_ tags: [Tag]) throws(KMSError) -> [ResourceTag] {
        var seen = Set<String>()
        for tag in tags {
            try Validate.length(tag.TagKey, field: "tags.member.tagKey", in: 1...128)
            try Validate.length(tag.TagValue, field: "tags.member.tagValue", in: 0...256)
            if tag.TagKey.lowercased().hasPrefix("aws:") {
                throw KMSError(.tag, "Tag keys beginning with 'aws:' are reserved.")
            }
            guard seen.insert(tag.TagKey).inserted else {
                throw KMSError(.tag, "Duplicate tag key '\(tag.TagKey)'.")
            }
        }
        try checkCount(tags.count)
        return tags.map { ResourceTag(key: $0.TagKey, value: $0.TagValue) }
    }

    static func checkCount(_ count: Int) throws(KMSError) {
        guard count <= maximum else {
            throw KMSError(.tag, "A KMS key can have at most \(maximum) tags.")
        }
    }

    /// `aws:RequestTag/KEY` and `aws:TagKeys` for the tags a request sets.
    static func conditions(_ tags: [Tag]) -> [String: [String]] {
        var conditions = ["aws:TagKeys": tags.map(\.TagKey)]
        for tag in tags { conditions["aws:RequestTag/\(tag.TagKey)"] = [tag.TagValue] }
        return conditions
    }

    static func audit(_ tags: [Tag]) -> AuditValue {
        .list(tags.map { .fields(["tagKey": .string($0.TagKey), "tagValue": .string($0.TagValue)]) })
    }
}
