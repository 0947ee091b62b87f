/// Compares two byte sequences without exiting at the first difference, so the
/// time taken does not reveal how much of a guessed signature was right.
/// (The length is public: signatures are always 64 hex characters.)
func constantTimeEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
    return difference == 0
}
