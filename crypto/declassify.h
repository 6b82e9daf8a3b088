// Marks bytes computed from secrets as public, for the constant-time check
// (tests/crypto/mlkem_ct_check.cpp): it runs the library under valgrind's
// memcheck with the secrets marked undefined, so that a branch or a memory
// address that depends on them is an error, as BoringSSL and libsodium check
// theirs. A value that the algorithm publishes (ML-KEM's ρ, which is part of
// the encapsulation key) is declassified where it is made, so the check
// follows the secrets and nothing else. Outside valgrind a client request is a
// few instructions that do nothing; the check thus runs the code that ships.
#pragma once

#include <valgrind/memcheck.h>

#include "common/bytes.h"

namespace cairn::crypto {

inline void declassify(ByteView public_bytes) {
  (void)VALGRIND_MAKE_MEM_DEFINED(public_bytes.data(), public_bytes.size());
}

}  // namespace cairn::crypto
