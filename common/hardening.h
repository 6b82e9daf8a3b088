// Process hardening for every Cairn program that holds secrets in memory: no
// core dumps (the source's tool holds testimony and the codename, the relay its
// Noise static key, the analyst station testimony and vault keys), and not
// ptrace-attachable by other processes of the same user. Called first in each
// main; failures are ignored (the calls only take abilities away).
#pragma once

#include <sys/prctl.h>
#include <sys/resource.h>

namespace cairn {

inline void harden_process() {
  rlimit none{0, 0};
  (void)::setrlimit(RLIMIT_CORE, &none);
  (void)::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

}  // namespace cairn
