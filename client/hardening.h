// Process hardening for the source's tool: no core dumps (they would hold the
// testimony and codename), not ptrace-attachable by other same-user processes.
#pragma once

namespace cairn::client {

void harden_process();

}  // namespace cairn::client
