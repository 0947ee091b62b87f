import Foundation
import KMSCore
@testable import KMSIdentity
import Testing

@Suite("Query protocol")
struct QueryProtocolTests {
    static func parse(_ body: String) throws(KMSError) -> QueryParameters {
        try QueryParameters(formBody: Array(body.utf8))
    }

    @Test func formDecodingFollowsTheFormRules() throws {
        let parameters = try Self.parse("Action=PutUserPolicy&PolicyDocument=%7B%22a%22%3A+1%7D&Empty=&Flag&Name=a%2Bb")
        #expect(parameters["Action"] == "PutUserPolicy")
        #expect(parameters["PolicyDocument"] == #"{"a": 1}"#)
        #expect(parameters["Empty"] == "")
        #expect(parameters["Flag"] == "")
        #expect(parameters["Name"] == "a+b")
    }

    @Test(arguments: ["A=%", "A=%4", "A=%ZZ", "A=%FF", "A=1&A=2"])
    func malformedBodiesAreRefused(_ body: String) {
        #expect(throws: KMSError.self) { try Self.parse(body) }
    }

    @Test func listsAndTagsUseFlattenedMemberNames() throws {
        let parameters = try Self.parse(
            "TagKeys.member.1=a&TagKeys.member.2=b&TagKeys.member.4=gap&Tags.member.1.Key=team&Tags.member.1.Value=blue&Tags.member.2.Key=env"
        )
        #expect(parameters.list("TagKeys") == ["a", "b"])
        #expect(try parameters.tags() == [ResourceTag(key: "team", value: "blue"), ResourceTag(key: "env", value: "")])
        #expect(throws: KMSError.self) { try Self.parse("Tags.member.1.Key=aws%3Areserved").tags() }
    }

    @Test func boundsAreCheckedWithAWSMessages() throws {
        let parameters = try Self.parse("DurationSeconds=899&UserName=")
        #expect(throws: KMSError.validation("")) { try parameters.integer("DurationSeconds", in: 900...43_200) }
        #expect(throws: KMSError.validation("")) { try parameters.string("UserName", length: 1...64) }
        #expect(throws: KMSError.validation("")) { try parameters.required("Missing") }
    }

    @Test func responsesAndErrorsAreEscapedXML() {
        let response = String(decoding: QueryService.iam.response(
            action: "GetUser", result: [.element("User", [.text("UserName", "a<b&'c\"")])], requestID: "r-1"
        ), as: UTF8.self)
        #expect(response == #"<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult><User><UserName>a&lt;b&amp;&apos;c&quot;</UserName></User></GetUserResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetUserResponse>"#)
        let error = String(decoding: QueryService.sts.errorResponse(code: "ExpiredToken", message: "m>", isServerFault: false, requestID: "r-2"), as: UTF8.self)
        #expect(error == #"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>m&gt;</Message></Error><RequestId>r-2</RequestId></ErrorResponse>"#)
    }

    @Test func policyDocumentsAreReturnedPercentEncoded() {
        #expect(IAMShapes.policyText(#"{"A": "b/c"}"#) == "%7B%22A%22%3A%20%22b%2Fc%22%7D")
    }
}
