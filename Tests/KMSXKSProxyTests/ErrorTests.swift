import KMSXKSProxy
import Testing

struct ErrorTests {
    /// The spec's Error Codes table, row by row.
    @Test(arguments: [
        ("ValidationException", 400), ("InvalidStateException", 400), ("InvalidCiphertextException", 400),
        ("InvalidKeyUsageException", 400), ("AuthenticationFailedException", 401), ("AccessDeniedException", 403),
        ("KeyNotFoundException", 404), ("InvalidUriPathException", 404), ("ThrottlingException", 429),
        ("UnsupportedOperationException", 501), ("DependencyTimeoutException", 503), ("InternalException", 500),
    ])
    func statusOfEachErrorName(name: String, status: Int) throws {
        let error = try #require(XKSError.Name(rawValue: name))
        #expect(error.httpStatus == status)
    }

    @Test func theTableIsComplete() {
        #expect(XKSError.Name.allCases.count == 12)
    }

    @Test func messagesArePrintableASCIIUnder512Characters() {
        let message = XKSError(.validation, "caf\u{E9}\n\t" + String(repeating: "x", count: 600)).wireMessage
        #expect(message.hasPrefix("cafxxx") && message.count == 511)
        #expect(message.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) })
    }
}
