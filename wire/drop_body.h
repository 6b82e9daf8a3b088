// A drop body's plaintext in protobuf (proto/drop.proto, DropBody): the
// message keeps its own copies of a testimony's text and a chunk's data in
// std::strings, which protobuf frees without wiping. Whoever builds or parses
// a DropBody wipes them first (docs/ARCHITECTURE.md, "Where plaintext lives").
#pragma once

#include "proto/drop.pb.h"

namespace cairn::wire {

// Wipes the testimony text and the chunk data a DropBody holds (their sizes stay).
void wipe_plaintext(v1::DropBody& body);

// Wipes a DropBody's plaintext when the scope exits, on every path.
class WipeDropBodyOnExit {
 public:
  explicit WipeDropBodyOnExit(v1::DropBody& body) : body_(body) {}
  WipeDropBodyOnExit(const WipeDropBodyOnExit&) = delete;
  WipeDropBodyOnExit& operator=(const WipeDropBodyOnExit&) = delete;
  ~WipeDropBodyOnExit() { wipe_plaintext(body_); }

 private:
  v1::DropBody& body_;
};

}  // namespace cairn::wire
