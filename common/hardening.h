// Process hardening for every Cairn program that holds secrets in memory: no
// core dumps (the source's tool holds testimony and the codename, the relay its
// Noise static key, the analyst station testimony and vault keys), and not
// ptrace-attachable by other processes of the same user; and every file and
// directory it creates is its owner's alone, whatever umask it inherited (a
// umask of 0277 would otherwise make its own directories unwritable to it, and
// one of 0002 would share them). Called first in each main; failures are
// ignored (the calls only take abilities away).
#pragma once

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

namespace cairn {

inline void harden_process() {
  rlimit none{0, 0};
  (void)::setrlimit(RLIMIT_CORE, &none);
  (void)::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  (void)::umask(077);
}

}  // namespace cairn
