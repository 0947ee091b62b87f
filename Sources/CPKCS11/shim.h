// p11-kit's header in its default compatibility mode, so the standard PKCS #11
// names (CK_RV, CK_ATTRIBUTE with pValue/ulValueLen, CK_GCM_PARAMS with pIv…) are visible.
#include <p11-kit/pkcs11.h>
// The module is loaded with dlopen() rather than linked.
#include <dlfcn.h>
