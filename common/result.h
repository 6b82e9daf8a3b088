// The one error model of Cairn: fallible functions return Result<T>, which is
// [[nodiscard]], carries either a value or an Error {code, message}. Codes say
// what kind of failure it was (for programs and tests); messages say exactly
// what was wrong (for people). Exceptions are used only at the edges
// (coroutine top level, main).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cairn {

enum class Errc : std::uint8_t {
  invalid_argument,    // a caller passed something that can never work
  malformed,           // input does not parse (wrong length, bad encoding, bad field)
  too_large,           // input exceeds a size cap; rejected before any work
  unsupported,         // well-formed, but a feature Cairn does not implement
  checksum_mismatch,   // a checksum (Bech32) does not match: likely a typo
  decrypt_failed,      // authentication failed; every such failure looks the same
  no_identity_match,   // no identity we hold opens this file
  bad_signature,       // a signature does not verify
  expired,             // a key or certificate is past its validity window
  not_yet_valid,       // a key or certificate is before its validity window
  untrusted,           // a chain does not lead to the pinned key
  insufficient_work,   // a proof of work does not meet the difficulty
  protocol,            // the peer broke the protocol (wrong message, wrong state)
  io,                  // the operating system said no (file, socket, disk)
  storage,             // the database said no
  quota,               // a configured limit was reached
  not_found,           // the thing asked for does not exist
  already_exists,      // refusing to overwrite
  unsafe,              // refusing an unsafe action (world-readable key, secret to a tty)
  timeout,             // a deadline passed
  internal,            // a bug: an invariant did not hold
};

constexpr std::string_view to_string(Errc c) {
  switch (c) {
    case Errc::invalid_argument: return "invalid argument";
    case Errc::malformed: return "malformed input";
    case Errc::too_large: return "too large";
    case Errc::unsupported: return "unsupported";
    case Errc::checksum_mismatch: return "checksum mismatch";
    case Errc::decrypt_failed: return "decryption failed";
    case Errc::no_identity_match: return "no matching identity";
    case Errc::bad_signature: return "bad signature";
    case Errc::expired: return "expired";
    case Errc::not_yet_valid: return "not yet valid";
    case Errc::untrusted: return "untrusted";
    case Errc::insufficient_work: return "insufficient proof of work";
    case Errc::protocol: return "protocol violation";
    case Errc::io: return "i/o error";
    case Errc::storage: return "storage error";
    case Errc::quota: return "quota exceeded";
    case Errc::not_found: return "not found";
    case Errc::already_exists: return "already exists";
    case Errc::unsafe: return "unsafe";
    case Errc::timeout: return "timed out";
    case Errc::internal: return "internal error";
  }
  return "unknown error";
}

struct Error {
  Errc code;
  std::string message;
};

inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { check(); return std::get<0>(v_); }
  const T& value() const& { check(); return std::get<0>(v_); }
  T&& value() && { check(); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

  const Error& error() const {
    if (ok()) std::abort();  // asking a success for its error is a bug
    return std::get<1>(v_);
  }
  Errc code() const { return error().code; }

 private:
  void check() const {
    if (!ok()) std::abort();  // using a failed result's value is a bug, never input-driven
  }
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : e_(std::move(error)) {}  // NOLINT

  [[nodiscard]] bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    if (ok()) std::abort();
    return *e_;
  }
  Errc code() const { return error().code; }

 private:
  std::optional<Error> e_;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

}  // namespace cairn

// Propagates a failed Result out of the calling function:
//   CAIRN_TRY(auto key, parse_key(text));
#define CAIRN_CONCAT_INNER(a, b) a##b
#define CAIRN_CONCAT(a, b) CAIRN_CONCAT_INNER(a, b)
#define CAIRN_TRY_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                    \
  if (!tmp.ok()) return tmp.error();    \
  decl = std::move(tmp).value()
#define CAIRN_TRY(decl, expr) CAIRN_TRY_IMPL(CAIRN_CONCAT(cairn_try_, __LINE__), decl, expr)
#define CAIRN_CHECK_IMPL(tmp, expr)    \
  do {                                 \
    auto tmp = (expr);                 \
    if (!tmp.ok()) return tmp.error(); \
  } while (0)
#define CAIRN_CHECK(expr) CAIRN_CHECK_IMPL(CAIRN_CONCAT(cairn_check_, __LINE__), expr)
