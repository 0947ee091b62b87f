import Foundation
@testable import KMSXKSProxy
import Testing

struct RequestTests {
    static let metadata = #"{"awsPrincipalArn":"arn:aws:iam::123456789012:user/Alice","kmsKeyArn":"arn:aws:kms:us-east-2:123456789012:/key/1234abcd-12ab-34cd-56ef-1234567890ab","kmsOperation":"Encrypt","kmsRequestId":"4112f4d6-db54-4af4-ae30-c55a22a8dfae","kmsViaService":"ebs"}"#
    /// The spec's Encrypt request example.
    static let encrypt = #"{"requestMetadata":\#(metadata),"additionalAuthenticatedData":"cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n","plaintext":"SGVsbG8gV29ybGQh","encryptionAlgorithm":"AES_GCM","ciphertextDataIntegrityValueAlgorithm":"SHA_256"}"#
    /// The spec's Decrypt request example.
    static let decrypt = #"{"requestMetadata":\#(metadata),"additionalAuthenticatedData":"cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n","encryptionAlgorithm":"AES_GCM","ciphertext":"ghxkK1txeDNn3q8Y","ciphertextMetadata":"a2V5X3ZlcnNpb249MQ==","initializationVector":"HMrlRw85cAJUd5Ax","authenticationTag":"vBxN2ncH1oEkR8WVXpmyYQ=="}"#

    static func parse(_ operation: XKSKeyOperation, _ json: String) throws(XKSError) -> XKSKeyRequest {
        try XKSKeyRequest.parse(operation, body: Array(json.utf8))
    }

    @Test func parsesTheSpecExamples() throws {
        guard case .encrypt(let encrypt) = try Self.parse(.encrypt, Self.encrypt) else { Issue.record("not an encrypt"); return }
        #expect(encrypt.plaintext == Array("Hello World!".utf8))
        #expect(encrypt.additionalAuthenticatedData == Array("project=nile,department=marketing".utf8))
        #expect(encrypt.wantsIntegrityValue && encrypt.metadata.kmsRequestId == "4112f4d6-db54-4af4-ae30-c55a22a8dfae")
        #expect(encrypt.metadata.kmsViaService == "ebs")

        guard case .decrypt(let decrypt) = try Self.parse(.decrypt, Self.decrypt) else { Issue.record("not a decrypt"); return }
        #expect(decrypt.ciphertext.count == 12 && decrypt.initializationVector.count == 12 && decrypt.authenticationTag.count == 16)
        #expect(decrypt.ciphertextMetadata == Array("key_version=1".utf8))

        // GetKeyMetadata for CreateKey carries no kmsKeyArn; unknown future fields are ignored.
        let describe = #"{"requestMetadata":{"awsPrincipalArn":"a","kmsOperation":"CreateKey","kmsRequestId":"r","kmsFutureField":1}}"#
        #expect(try Self.parse(.metadata, describe).metadata.kmsOperation == "CreateKey")
    }

    @Test(arguments: [
        (XKSKeyOperation.encrypt, "not json", "not a JSON object"),
        (.encrypt, "[]", "not a JSON object"),
        (.encrypt, #"{"plaintext":5}"#, "not a JSON object"),
        (.metadata, "{}", "requestMetadata is required"),
        (.metadata, #"{"requestMetadata":{"kmsOperation":"x","kmsRequestId":"r"}}"#, "awsPrincipalArn is required"),
        (.metadata, #"{"requestMetadata":{"awsPrincipalArn":"a","kmsRequestId":"r"}}"#, "kmsOperation is required"),
        (.metadata, #"{"requestMetadata":{"awsPrincipalArn":"a","kmsOperation":"x"}}"#, "kmsRequestId is required"),
        (.encrypt, #"{"requestMetadata":{"awsPrincipalArn":"a","kmsOperation":"x","kmsRequestId":"r"},"plaintext":"AA==","encryptionAlgorithm":"AES_GCM"}"#, "kmsKeyArn is required"),
        (.encrypt, encrypt.replacingOccurrences(of: #""encryptionAlgorithm":"AES_GCM","#, with: ""), "encryptionAlgorithm is required"),
        (.encrypt, encrypt.replacingOccurrences(of: "AES_GCM", with: "AES_CBC"), "encryptionAlgorithm must be AES_GCM"),
        (.encrypt, encrypt.replacingOccurrences(of: "SHA_256", with: "SHA_384"), "must be SHA_256"),
        (.encrypt, encrypt.replacingOccurrences(of: #""plaintext":"SGVsbG8gV29ybGQh","#, with: ""), "plaintext is required"),
        (.encrypt, encrypt.replacingOccurrences(of: "SGVsbG8gV29ybGQh", with: "SGVsbG8gV29ybGQh!"), "plaintext is not valid Base64"),
        (.encrypt, encrypt.replacingOccurrences(of: "cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n", with: "%%"), "additionalAuthenticatedData is not valid Base64"),
        (.decrypt, decrypt.replacingOccurrences(of: #""ciphertext":"ghxkK1txeDNn3q8Y","#, with: ""), "ciphertext is required"),
        (.decrypt, decrypt.replacingOccurrences(of: "HMrlRw85cAJUd5Ax", with: "AAAA"), "initializationVector must be 12 or 16 bytes"),
        (.decrypt, decrypt.replacingOccurrences(of: "vBxN2ncH1oEkR8WVXpmyYQ==", with: "AAAA"), "authenticationTag must be 16 bytes"),
        (.decrypt, decrypt.replacingOccurrences(of: "a2V5X3ZlcnNpb249MQ==", with: String(repeating: "A", count: 28)), "ciphertextMetadata must be at most 20 bytes"),
        (.decrypt, decrypt.replacingOccurrences(of: #","authenticationTag":"vBxN2ncH1oEkR8WVXpmyYQ==""#, with: ""), "authenticationTag is required"),
    ])
    func refuses(operation: XKSKeyOperation, body: String, message: String) {
        #expect {
            try Self.parse(operation, body)
        } throws: { error in
            guard let error = error as? XKSError else { return false }
            return error.name == .validation && error.message.contains(message)
        }
    }

    @Test func sixteenByteIVsAreValid() throws {
        let body = Self.decrypt.replacingOccurrences(of: "HMrlRw85cAJUd5Ax", with: "AAAAAAAAAAAAAAAAAAAAAA==")
        guard case .decrypt(let decrypt) = try Self.parse(.decrypt, body) else { Issue.record("not a decrypt"); return }
        #expect(decrypt.initializationVector.count == 16)
    }

    /// Appendix C's worked example: its ciphertextMetadata follows the AAD directly, so it can ride along in the AAD argument.
    @Test func integrityValueOfTheSpecExample() {
        let aad = Array("project=nile,department=marketing".utf8) + Array("key_version=1".utf8)
        let value = XKSRequestHandler.integrityValue(
            aad: aad, iv: Array(Data(base64Encoded: "HMrlRw85cAJUd5Ax")!), ciphertext: Array(Data(base64Encoded: "ghxkK1txeDNn3q8Y")!),
            tag: Array(Data(base64Encoded: "vBxN2ncH1oEkR8WVXpmyYQ==")!)
        )
        #expect(value == "qHA/ImC9h5HsLRXqCyPmWgYx7tzyoTplzILbP0fPXsc=")
    }

    @Test(arguments: [
        ("/p/kms/xks/v1/health", XKSRoute.health),
        ("/p/kms/xks/v1/keys/k-1/metadata", .key(id: "k-1", operation: .metadata)),
        ("/p/kms/xks/v1/keys/k.1_2/encrypt", .key(id: "k.1_2", operation: .encrypt)),
        ("/p/kms/xks/v1/keys/k/decrypt", .key(id: "k", operation: .decrypt)),
    ])
    func routes(path: String, route: XKSRoute) {
        #expect(XKSRoute(path: path, prefix: "/p") == route)
    }

    @Test(arguments: [
        "/kms/xks/v1/health", "/q/kms/xks/v1/health", "/p/kms/xks/v2/health", "/p/kms/xks/v1/health/", "/p/kms/xks/v1/keys/k/sign",
        "/p/kms/xks/v1/keys//encrypt", "/p/kms/xks/v1/keys/k/encrypt/x", "/p/kms/xks/v1/keys/k", "/p/kms/xks/v1/", "/p/x/kms/xks/v1/health", "/",
    ])
    func invalidPaths(path: String) {
        #expect(XKSRoute(path: path, prefix: "/p") == nil)
    }

    @Test func noPrefix() {
        #expect(XKSRoute(path: "/kms/xks/v1/health", prefix: "") == .health)
        #expect(XKSRoute(path: "/p/kms/xks/v1/health", prefix: "") == nil)
    }
}
