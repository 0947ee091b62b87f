import CSodium

/// Bytes from the kernel's CSPRNG, through libsodium's `randombytes_buf`: one
/// `getrandom(2)` call for up to 256 bytes. swift-crypto's key generation asks
/// for 8 bytes a call, so a salt and nonce cost four system calls on every
/// Encrypt; this costs one.
public func secureRandomBytes(count: Int) -> [UInt8] {
    precondition(count >= 0)
    precondition(SodiumLibrary.isInitialized, "libsodium could not be initialised")
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        if count > 0 { randombytes_buf(buffer.baseAddress!, count) }
        initialized = count
    }
}

enum SodiumLibrary {
    /// `sodium_init` once per process; it picks the system random source.
    static let isInitialized: Bool = sodium_init() >= 0
}
