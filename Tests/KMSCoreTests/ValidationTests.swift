import Foundation
import KMSCore
import KMSProtocol
import KMSStorageSQLite
import KMSTestSupport
import Testing

/// Request checks count and match what AWS's models do.
@Suite("Request validation")
struct ValidationTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment() }

    static func json(_ value: String) -> String {
        String(decoding: try! JSONEncoder().encode(value), as: UTF8.self)
    }

    static func expectValidation(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
        await #expect(throws: KMSError(.validation, ""), sourceLocation: sourceLocation) { try await body() }
    }

    /// Lengths count code points: "é" followed by 100,000 combining accents
    /// is one grapheme cluster but 100,001 characters to AWS.
    @Test func lengthsCountCodePointsNotGraphemeClusters() async throws {
        let heavy = "é" + String(repeating: "\u{0301}", count: 100_000)
        #expect(heavy.count == 1)
        await Self.expectValidation { _ = try await env.call(CreateKey.self, #"{"Description":\#(Self.json(heavy))}"#) }
        let keyID = try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        await Self.expectValidation {
            _ = try await env.call(UpdateKeyDescription.self, #"{"KeyId":"\#(keyID)","Description":\#(Self.json(heavy))}"#)
        }
        let atLimit = String(repeating: "e\u{0301}", count: 4096)
        #expect(atLimit.unicodeScalars.count == 8192)
        _ = try await env.call(UpdateKeyDescription.self, #"{"KeyId":"\#(keyID)","Description":\#(Self.json(atLimit))}"#)
        await Self.expectValidation {
            _ = try await env.call(UpdateKeyDescription.self, #"{"KeyId":"\#(keyID)","Description":\#(Self.json(atLimit + "e"))}"#)
        }
        let tagKey = String(repeating: "\u{0301}", count: 129)
        await Self.expectValidation {
            _ = try await env.call(CreateKey.self, #"{"Tags":[{"TagKey":\#(Self.json(tagKey)),"TagValue":""}]}"#)
        }
    }

    /// Where a model's pattern excludes NUL, a NUL is a ValidationException;
    /// where it does not (descriptions, tags), the value is kept whole.
    @Test func nulIsRefusedWherePatternsExcludeItAndKeptElsewhere() async throws {
        let policy = #"{"Version":"2012-10-17","Statement":[]}"# + "\u{0}"
        await Self.expectValidation { _ = try await env.call(CreateKey.self, #"{"Policy":\#(Self.json(policy))}"#) }
        await Self.expectValidation { _ = try await env.call(ListKeys.self, #"{"Marker":\#(Self.json("a\u{0}b"))}"#) }
        await Self.expectValidation { _ = try await env.call(ListAliases.self, #"{"Marker":\#(Self.json("alias/a\u{0}"))}"#) }
        // KeyId has no pattern: an alias name with a NUL names no alias, and the lookup does not stop at the NUL.
        _ = try await env.call(CreateAlias.self, #"{"AliasName":"alias/a","TargetKeyId":"\#(try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId)"}"#)
        await #expect(throws: KMSError(.notFound, "")) { try await env.call(DescribeKey.self, #"{"KeyId":\#(Self.json("alias/a\u{0}b"))}"#) }

        let created = try await env.call(
            CreateKey.self,
            #"{"Description":\#(Self.json("before\u{0}after")),"Tags":[{"TagKey":\#(Self.json("a\u{0}b")),"TagValue":"1"},{"TagKey":\#(Self.json("a\u{0}c")),"TagValue":"2"}]}"#
        )
        #expect(created.KeyMetadata.Description == "before\u{0}after")
        let described = try await env.call(DescribeKey.self, #"{"KeyId":"\#(created.KeyMetadata.KeyId)"}"#)
        #expect(described.KeyMetadata.Description == "before\u{0}after")
        let stored = try #require(try await env.database.key(KeyID(created.KeyMetadata.KeyId)!))
        #expect(stored.tags.map(\.key) == ["a\u{0}b", "a\u{0}c"])
    }
}
