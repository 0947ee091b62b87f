#include <secp256k1.h>

// The flag macros are built from shifts, which Swift does not import.
static inline unsigned int trent_secp256k1_context_none(void) { return SECP256K1_CONTEXT_NONE; }
static inline unsigned int trent_secp256k1_ec_uncompressed(void) { return SECP256K1_EC_UNCOMPRESSED; }
