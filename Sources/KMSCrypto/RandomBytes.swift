import Crypto

/// Bytes from the system CSPRNG (through swift-crypto's key generation, which
/// uses BoringSSL's RAND_bytes on Linux).
public func secureRandomBytes(count: Int) -> [UInt8] {
    precondition(count >= 0)
    var out = [UInt8]()
    out.reserveCapacity(count)
    while out.count < count {
        let chunk = SymmetricKey(size: .bits256)
        chunk.withUnsafeBytes { out.append(contentsOf: $0.prefix(count - out.count)) }
    }
    return out
}
