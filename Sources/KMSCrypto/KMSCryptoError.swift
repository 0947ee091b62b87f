/// Failures of the primitives. Deliberately coarse: callers turn every
/// decryption failure into one opaque error so that nothing about *why* a
/// ciphertext was rejected reaches a client.
public enum KMSCryptoError: Error, Sendable, Hashable {
    /// The blob is malformed, truncated, tampered with, or the context differs.
    case invalidCiphertext
    /// Key material has the wrong size or could not be unwrapped.
    case invalidKeyMaterial
    /// A randomness or primitive failure that should never happen.
    case primitiveFailure
}
