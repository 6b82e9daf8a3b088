#include "client/relay_connection.h"

#include "i18n/catalog.h"

#include "crypto/noise.h"
#include "wire/protocol.h"

namespace cairn::client {

Result<RelayConnection> RelayConnection::open(const crypto::DropAddress& address, const ConnectOptions& options) {
  if (address.relays.size() != 1)
    return make_error(Errc::invalid_argument,
                      i18n::tr("this drop address names several relays: choose one to connect to"));
  return open(address.relays.front(), options);
}

Result<RelayConnection> RelayConnection::open(const crypto::RelayAddress& address, const ConnectOptions& options) {
  // A .onion name never leaves Tor, whatever the options say.
  if (address.is_onion() && !options.proxy)
    return make_error(Errc::unsafe, i18n::tr("this relay is an onion service (.onion), which can only be reached through Tor"));
  if (!options.proxy && !options.direct)
    return make_error(Errc::unsafe, i18n::tr("no way to reach the relay through Tor was given, and a direct connection "
                                             "was not asked for"));
  Result<Socket> socket = options.proxy
                              ? connect_socks5(*options.proxy, address.host, address.port, options.connect_timeout)
                              : connect_tcp(address.host, address.port, options.connect_timeout);
  if (!socket.ok()) return socket.error();
  RelayConnection conn(std::move(socket).value(), options);

  CAIRN_TRY(auto hs, crypto::noise::make_nk_initiator(wire::prologue(), address.relay_noise_key));
  // -> e, es
  CAIRN_TRY(auto m1, hs.write_message({}));
  CAIRN_TRY(auto f1, crypto::frame_noise_message(m1));
  // A relay closes the connection when it cannot decrypt message 1 (wrong key)
  // and also when it is at its connection limit; the source can't tell which,
  // so the message names both. A relay that is merely slow is a timeout.
  auto closed_in_handshake = [](const Error& e) -> Error {
    if (e.code == Errc::timeout) return e;
    return make_error(Errc::protocol, i18n::tr("the relay closed the connection during the handshake: it may be busy "
                                               "(try again in a few minutes), or the relay key in the drop address "
                                               "may be wrong (copy the address again)"));
  };
  if (auto sent = conn.socket_.write_all(f1, options.io_timeout); !sent.ok()) return closed_in_handshake(sent.error());
  // <- e, ee
  ByteArray<crypto::kFrameLengthBytes> header{};
  if (auto read = conn.socket_.read_exact(header, options.io_timeout); !read.ok())
    return closed_in_handshake(read.error());
  if (get_u16be(header.data()) != wire::kMessage2Bytes)
    return make_error(Errc::protocol, i18n::tr("the relay's handshake reply has the wrong size: this is not a Cairn relay"));
  Bytes m2(wire::kMessage2Bytes);
  CAIRN_CHECK(conn.socket_.read_exact(m2, options.io_timeout));
  auto payload = hs.read_message(m2);
  if (!payload.ok())
    return make_error(Errc::decrypt_failed, i18n::tr("the relay could not prove it holds the key in the drop address"));
  CAIRN_TRY(conn.params_, wire::decode_handshake_payload(*payload));
  CAIRN_TRY(auto ciphers, hs.split());
  conn.reader_.emplace(std::move(ciphers.receive), options.max_response_bytes);
  conn.writer_.emplace(std::move(ciphers.send));
  return conn;
}

Result<v1::Response> RelayConnection::call(const v1::Request& request) {
  CAIRN_CHECK(send(request));
  return receive();
}

Status RelayConnection::send(const v1::Request& request) {
  CAIRN_TRY(auto frames, writer_->seal_message(wire::encode(request)));
  return socket_.write_all(frames, options_.io_timeout);
}

Result<v1::Response> RelayConnection::receive() {
  ByteArray<crypto::kRecordFrameBytes> frame{};
  for (;;) {
    CAIRN_CHECK(socket_.read_exact(frame, options_.io_timeout));
    CAIRN_TRY(auto message, reader_->open_frame(frame));
    if (message) return wire::decode_response(*message);
  }
}

}  // namespace cairn::client
