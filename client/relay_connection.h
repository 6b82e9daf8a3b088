// The source's connection to a relay: TCP (directly, or through a SOCKS5
// proxy such as Tor), the Noise NK handshake pinned to the relay key from the
// drop address, then requests and their responses over records. The relay
// answers requests in the order they came, so a client may send several
// before reading their answers (client/drop_window.h).
#pragma once

#include <chrono>
#include <optional>

#include "client/socket.h"
#include "client/socks5.h"
#include "common/result.h"
#include "crypto/drop_address.h"
#include "crypto/record.h"
#include "proto/transport.pb.h"

namespace cairn::client {

// How to reach the relay (docs/PROTOCOL.md, "Reaching the relay"). With
// neither a proxy nor `direct`, open() refuses: a direct connection happens
// only when the source asked for one (promise 8), never by default.
struct ConnectOptions {
  std::optional<ProxyUrl> proxy;  // through Tor's SOCKS port
  bool direct = false;            // the source said --direct: plain TCP, no Tor
  std::chrono::milliseconds connect_timeout{30'000};  // Tor circuits can be slow
  std::chrono::milliseconds io_timeout{60'000};
  std::size_t max_response_bytes = crypto::kMaxMessageBytes;
};

class RelayConnection {
 public:
  // One relay: its host and port, and the Noise key the handshake is pinned to.
  [[nodiscard]] static Result<RelayConnection> open(const crypto::RelayAddress& relay, const ConnectOptions& options);
  // The relay of an address that names exactly one (Errc::invalid_argument
  // otherwise: with several, the caller chooses; client/relay_order.h).
  [[nodiscard]] static Result<RelayConnection> open(const crypto::DropAddress& address, const ConnectOptions& options);

  // Sends one request and waits for its response.
  [[nodiscard]] Result<v1::Response> call(const v1::Request& request);

  // The two halves of call(), for requests in flight: send() and receive()
  // may run at the same time on two threads (one each), since each direction
  // has its own cipher and the socket is full duplex.
  [[nodiscard]] Status send(const v1::Request& request);
  [[nodiscard]] Result<v1::Response> receive();
  // Breaks the connection: a send() or receive() blocked on another thread
  // returns an error at once.
  void shut_down() { socket_.shutdown(); }

  [[nodiscard]] const v1::HandshakePayload& relay_parameters() const { return params_; }

 private:
  RelayConnection(Socket s, ConnectOptions o) : socket_(std::move(s)), options_(std::move(o)) {}
  Socket socket_;
  ConnectOptions options_;
  v1::HandshakePayload params_;
  std::optional<crypto::RecordReader> reader_;
  std::optional<crypto::RecordWriter> writer_;
};

}  // namespace cairn::client
