import Foundation
import Testing

@testable import SigV4

@Suite struct InternalsTests {
    @Test(arguments: [
        ("20150830T123600Z", 1_440_938_160.0),
        ("19700101T000000Z", 0),
        ("20000229T235959Z", 951_868_799),
        ("21000301T000000Z", 4_107_542_400),
    ])
    func amzDateRoundTrips(text: String, seconds: TimeInterval) throws {
        let parsed = try #require(AmzDate(text))
        #expect(parsed.date.timeIntervalSince1970 == seconds)
        #expect(AmzDate(Date(timeIntervalSince1970: seconds)).text == text)
    }

    @Test(arguments: [
        "", "20150830T123600", "20150830 123600Z", "20150230T000000Z", "20150830T246000Z", "2015083OT123600Z",
        "20190229T000000Z",
    ])
    func amzDateRejects(text: String) {
        #expect(AmzDate(text) == nil)
    }

    @Test func amzDateAgreesWithFoundation() throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        var seconds: TimeInterval = -86_400 * 400
        while seconds < 86_400 * 365 * 200 {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(AmzDate(date).text == formatter.string(from: date))
            #expect(AmzDate(formatter.string(from: date))?.date == date)
            seconds += 86_400 * 37 + 3_671
        }
    }

    @Test func percentEncoding() {
        #expect(
            String(decoding: PercentEncoding.encode(Array("a b/~é+%".utf8)), as: UTF8.self) == "a%20b%2F~%C3%A9%2B%25")
        #expect(PercentEncoding.decode(ArraySlice("%41%2f%zz%4".utf8)) == Array("A/%zz%4".utf8))
    }

    @Test func signedHeadersAreSortedLowercasedAndUnique() {
        #expect(
            SigV4.sortedSignedHeaders(["X-Amz-Date", "host", "Host", "content-type"]) == [
                "content-type", "host", "x-amz-date",
            ])
    }

    @Test func constantTimeComparison() {
        #expect(constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!constantTimeEquals(Array("abc".utf8), Array("ab".utf8)))
    }

    @Test func signingKeyCacheIsBoundedAndKeyedBySecret() {
        let cache = SigningKeyCache(region: "us-east-1", service: "kms", capacity: 2)
        let direct = SigV4.signingKey(secret: "s1", date: "20240517", region: "us-east-1", service: "kms")
        #expect(cache.signingKey(accessKeyID: "A", secret: "s1", date: "20240517") == direct)
        #expect(cache.signingKey(accessKeyID: "A", secret: "s1", date: "20240517") == direct)
        #expect(cache.signingKey(accessKeyID: "A", secret: "s2", date: "20240517") != direct)
        // A third entry empties the full cache and still answers correctly.
        #expect(cache.signingKey(accessKeyID: "B", secret: "s1", date: "20240517") == direct)
        #expect(cache.signingKey(accessKeyID: "A", secret: "s1", date: "20240517") == direct)
    }

    @Test func pathNormalization() {
        func path(_ raw: String) -> Substring {
            SigV4.canonicalRequest(
                SigV4Request(method: "GET", path: raw, query: "", headers: []),
                signedHeaders: [], payloadHash: "", normalizePath: true
            )
            .split(separator: "\n", omittingEmptySubsequences: false)[1]
        }
        #expect(path("") == "/")
        #expect(path("/a/b/..") == "/a")
        #expect(path("/a/./b//c/") == "/a/b/c/")
        #expect(path("/../..") == "/")
        #expect(path("/a%2Fb") == "/a%252Fb")
    }
}
