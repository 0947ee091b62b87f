import Hummingbird
import NIOCore
import NIOPosix

/// The benchmark's ceiling: a bare Hummingbird handler on the same executor
/// set-up as `trent` (NIO's event loops as the global executor), answering
/// every `POST /` with a fixed body the size of an Encrypt response. No SigV4,
/// no storage, no cryptography: Trent's throughput as a share of this one's
/// is the figure to steer by, because it moves less with the machine.
///
/// Usage: trent-ceiling PORT
@main
enum Ceiling {
    static func main() async throws {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let arguments = CommandLine.arguments
        guard arguments.count == 2, let port = Int(arguments[1]) else {
            print("usage: trent-ceiling PORT")
            return
        }
        let body = ByteBuffer(string: #"{"CiphertextBlob":"\#(String(repeating: "A", count: 1452))","KeyId":"arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000","EncryptionAlgorithm":"SYMMETRIC_DEFAULT"}"#)
        let router = Router()
        router.post("/") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/x-amz-json-1.1"],
                body: ResponseBody(byteBuffer: body)
            )
        }
        router.get("/health") { _, _ in "ok\n" }
        let app = Application(router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
