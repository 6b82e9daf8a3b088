#include "relay/session.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <list>
#include <memory>
#include <optional>
#include <vector>

#include "crypto/drop.h"
#include "crypto/pow.h"
#include "relay/pending_commit.h"
#include "wire/protocol.h"

namespace cairn::relay {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

// The socket and its deadline timer, shared by the session and its watchdog.
struct SessionIo {
  SessionIo(asio::ip::tcp::socket s, Clock::duration lifetime)
      : socket(std::move(s)), timer(socket.get_executor()), end_of_life(Clock::now() + lifetime) {}
  asio::ip::tcp::socket socket;
  asio::steady_timer timer;
  const Clock::time_point end_of_life;  // the session's lifetime cap, whatever it does
  bool timed_out = false;
  bool evicted = false;
  // Waiting for message 1 or for the next request: nothing of the peer's is
  // in progress, so closing it (shutdown, or eviction by a new connection when
  // every slot is taken) loses nothing. idle_since orders the eviction.
  bool idle = false;
  Clock::time_point idle_since{};

  void set_idle(bool now_idle) {
    if (now_idle && !idle) idle_since = Clock::now();
    idle = now_idle;
  }
  // The deadline of the stage that starts now, never past the end of life.
  void arm(std::chrono::milliseconds d) { timer.expires_at(std::min(Clock::now() + d, end_of_life)); }
  void close() {
    boost::system::error_code ignored;
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    timer.cancel();
  }
};

// All live sessions, for shutdown. Only touched on the network thread.
std::list<std::weak_ptr<SessionIo>>& registry() {
  static std::list<std::weak_ptr<SessionIo>> sessions;
  return sessions;
}

// Closes the socket when the deadline passes. The deadline moves with each
// operation (arm), which cancels the pending wait and loops.
awaitable<void> watchdog(std::shared_ptr<SessionIo> io) {
  for (;;) {
    boost::system::error_code ec;
    co_await io->timer.async_wait(asio::redirect_error(use_awaitable, ec));
    if (!io->socket.is_open()) co_return;
    if (io->timer.expiry() <= Clock::now()) {
      io->timed_out = true;
      io->close();
      co_return;
    }
  }
}

// A failure that ends the session: counted, never logged per peer.
struct Closed {
  enum class Why { peer_closed, timeout, handshake, protocol, limit, evicted } why;
};

Closed::Why why_closed(const SessionIo& io) {
  if (io.evicted) return Closed::Why::evicted;
  return io.timed_out ? Closed::Why::timeout : Closed::Why::peer_closed;
}

awaitable<void> read_exact(SessionIo& io, MutableByteView out) {
  boost::system::error_code ec;
  co_await asio::async_read(io.socket, asio::buffer(out.data(), out.size()),
                            asio::redirect_error(use_awaitable, ec));
  if (ec) throw Closed{why_closed(io)};
}

awaitable<void> write_all(SessionIo& io, ByteView data) {
  boost::system::error_code ec;
  co_await asio::async_write(io.socket, asio::buffer(data.data(), data.size()),
                             asio::redirect_error(use_awaitable, ec));
  if (ec) throw Closed{why_closed(io)};
}

// Requests a session reads ahead of its answers: PutDrops whose commits are
// under way. Bounded per session, and by the drops the committer holds for
// every session together (each is a drop's bytes in memory).
constexpr std::size_t kMaxReadAhead = 32;
constexpr std::size_t kMaxQueuedForReadAhead = 1024;
// Records sealed by one worker job (and held per session while they are written).
constexpr std::size_t kSealBatch = 8;

// The CPU-heavy steps of a session, run on a worker (relay/worker_pool.h).
// Each touches only its arguments: its own session's state, and the relay's
// immutable key and shared responses.

// The rest of the handshake once message 1 is in: three X25519 operations.
struct Responded {
  Bytes message2;  // framed
  crypto::noise::TransportCiphers ciphers;
};
Result<Responded> respond(ByteView message1, const crypto::X25519KeyPair& key, ByteView payload2) {
  CAIRN_TRY(auto hs, crypto::noise::make_nk_responder(wire::prologue(), key));
  CAIRN_TRY(auto payload1, hs.read_message(message1));
  if (payload1.size() != wire::kRequestPayloadBytes)
    return make_error(Errc::protocol, "message 1 carries a payload of the wrong size");
  CAIRN_TRY(auto m2, hs.write_message(payload2));
  CAIRN_TRY(auto framed, crypto::frame_noise_message(m2));
  CAIRN_TRY(auto ciphers, hs.split());
  return Responded{std::move(framed), std::move(ciphers)};
}

// Opens whole frames in order; the request once its last record is in.
Result<std::optional<v1::Request>> open_request(crypto::RecordReader& reader, ByteView frames) {
  for (std::size_t at = 0; at < frames.size(); at += crypto::kRecordFrameBytes) {
    CAIRN_TRY(auto opened, reader.open_frame(frames.subspan(at, crypto::kRecordFrameBytes)));
    if (!opened) continue;
    if (at + crypto::kRecordFrameBytes != frames.size())
      return make_error(Errc::protocol, "records past the end of a request");
    CAIRN_TRY(auto request, wire::decode_request(*opened));
    return std::optional<v1::Request>(std::move(request));
  }
  return std::optional<v1::Request>();
}

Status seal_records(crypto::RecordWriter& writer, const Bytes& message, std::size_t first, MutableByteView out) {
  for (std::size_t i = 0; i * crypto::kRecordFrameBytes < out.size(); ++i)
    CAIRN_CHECK(writer.seal_record(message, first + i, out.subspan(i * crypto::kRecordFrameBytes, crypto::kRecordFrameBytes)));
  return ok_status();
}

// A drop hashed once (the id the store keeps it under is its proof-of-work
// context), and whether its work solves the connection's challenge.
struct CheckedDrop {
  HashedDrop drop;
  bool paid = false;
};
CheckedDrop check_drop(const v1::PutDrop& put, const crypto::pow::Challenge& challenge, std::uint32_t bits) {
  ByteView bytes = as_bytes(put.drop());
  HashedDrop drop(Bytes(bytes.begin(), bytes.end()));
  static_assert(std::is_same_v<crypto::pow::Context, DropId>);
  const bool paid = crypto::pow::verify(challenge, drop.id(), as_bytes(put.pow_nonce()), bits).ok();
  return CheckedDrop{std::move(drop), paid};
}

class Session {
 public:
  Session(std::shared_ptr<SessionIo> io, RelayState& state) : io_(std::move(io)), state_(state) {}

  awaitable<void> run() {
    co_await handshake();
    const auto& limits = state_.config.limits;
    while (!state_.draining) {
      io_->set_idle(true);
      io_->arm(limits.idle_timeout);
      auto request = co_await read_message(true);
      io_->set_idle(false);
      io_->arm(limits.operation_timeout);
      // Requests already arriving are read before the first is answered, so
      // their drops join the same group commit; answers go out in order.
      std::vector<Answer> answers;
      {
        auto first = co_await start(request);
        answers.push_back(std::move(first));
      }
      while (!closing_ && answers.size() < kMaxReadAhead && arrived() &&
             state_.committer.queued() < kMaxQueuedForReadAhead) {
        auto next = co_await read_message(false);
        auto answer = co_await start(next);
        answers.push_back(std::move(answer));
      }
      for (auto& answer : answers) {
        if (answer.commit) answer.ready = co_await finish_put_drop(*answer.commit);
        co_await send(answer.ready);
      }
      if (closing_) break;
    }
  }

 private:
  // Whether bytes of another request are already here.
  bool arrived() const {
    boost::system::error_code ec;
    const auto n = io_->socket.available(ec);
    return !ec && n > 0;
  }

  awaitable<void> handshake() {
    const auto& limits = state_.config.limits;
    const auto handshake_end = Clock::now() + limits.handshake_timeout;
    // A silent connection holds a slot only for the short message-1 deadline
    // (and is the first to be evicted meanwhile).
    io_->set_idle(true);
    io_->arm(std::min(limits.message1_timeout, limits.handshake_timeout));

    // -> e, es: a fixed-size first message; any other length is not a Cairn client.
    ByteArray<crypto::kFrameLengthBytes + wire::kMessage1Bytes> m1{};
    co_await read_exact(*io_, MutableByteView(m1.data(), crypto::kFrameLengthBytes));
    if (get_u16be(m1.data()) != wire::kMessage1Bytes) throw Closed{Closed::Why::handshake};
    co_await read_exact(*io_, MutableByteView(m1).subspan(crypto::kFrameLengthBytes));
    io_->set_idle(false);
    io_->arm(std::chrono::duration_cast<std::chrono::milliseconds>(handshake_end - Clock::now()));

    // <- e, ee: the relay's parameters and this connection's proof-of-work
    // challenge, chosen here, on the network thread, from what sessions share.
    challenge_ = crypto::pow::new_challenge();
    v1::HandshakePayload p;
    p.set_version(wire::kProtocolVersion);
    p.set_pow_challenge(challenge_.data(), challenge_.size());
    // Difficulty for this connection's drops: the floor while calm, more under
    // load, never more than the key bundle's cap (relay/pow_policy.h).
    pow_bits_ = state_.pow.bits(Clock::now(), state_.bundle ? state_.bundle->pow_cap : state_.config.limits.pow_bits,
                                state_.fill, state_.committer.queued());
    p.set_pow_bits(pow_bits_);
    p.set_drop_size(state_.bundle ? state_.bundle->drop_size : 0);
    p.set_max_drops_per_connection(state_.config.limits.drops_per_connection);
    auto payload2 = wire::encode_handshake_payload(p);
    if (!payload2.ok()) throw Closed{Closed::Why::handshake};
    // Without a bundle there is no drop size yet; a drop of the default size
    // still gets its specific answer (NO_KEY_BUNDLE) rather than a closed connection.
    const std::size_t cap = wire::max_request_bytes(state_.bundle ? state_.bundle->drop_size : crypto::kDefaultDropSize);

    // The Diffie-Hellman work (es, a new e, ee) on a worker.
    const crypto::X25519KeyPair& key = state_.noise_key;  // immutable while the relay serves
    auto responded = co_await state_.workers.run(
        [&m1, &key, &payload2] { return respond(ByteView(m1).subspan(crypto::kFrameLengthBytes), key, *payload2); });
    if (!responded.ok()) throw Closed{Closed::Why::handshake};
    co_await write_all(*io_, responded->message2);
    reader_.emplace(std::move(responded->ciphers.receive), cap);
    writer_.emplace(std::move(responded->ciphers.send));
  }

  // Reads one frame, refusing a wrong length field as soon as its 2 bytes
  // are in: every record frame has one length, so there is no need to wait
  // for 4,114 bytes or a deadline.
  awaitable<void> read_frame(MutableByteView frame) {
    co_await read_exact(*io_, frame.first(crypto::kFrameLengthBytes));
    if (get_u16be(frame.data()) != crypto::kRecordCiphertextBytes) throw Closed{Closed::Why::protocol};
    co_await read_exact(*io_, frame.subspan(crypto::kFrameLengthBytes));
  }

  // Reads frames until one whole request has arrived. The first frame may
  // wait for the idle deadline; the rest must follow within the operation
  // one. A worker opens the first record (which says how many follow), then
  // the rest together, once they are all here.
  awaitable<v1::Request> read_message(bool first_waits_idle) {
    Bytes frames(crypto::kRecordFrameBytes);
    co_await read_frame(frames);
    if (first_waits_idle) {
      io_->set_idle(false);
      io_->arm(state_.config.limits.operation_timeout);
    }
    crypto::RecordReader& reader = *reader_;
    auto first = co_await state_.workers.run([&reader, &frames] { return open_request(reader, frames); });
    if (!first.ok()) throw Closed{Closed::Why::protocol};
    if (first->has_value()) co_return std::move(**first);
    frames.resize(reader.records_needed() * crypto::kRecordFrameBytes);
    for (std::size_t at = 0; at < frames.size(); at += crypto::kRecordFrameBytes)
      co_await read_frame(MutableByteView(frames).subspan(at, crypto::kRecordFrameBytes));
    auto rest = co_await state_.workers.run([&reader, &frames] { return open_request(reader, frames); });
    if (!rest.ok() || !rest->has_value()) throw Closed{Closed::Why::protocol};
    co_return std::move(**rest);
  }

  // Seals (on a worker) and writes a few records at a time from the
  // (possibly shared) response: a session holds kSealBatch frames, not a
  // sealed copy of a 1 MiB board.
  awaitable<void> send(std::shared_ptr<const Bytes> response) {
    const Bytes& message = *response;  // immutable: workers of several sessions may read it at once
    const std::size_t records = crypto::records_for_message(message.size());
    crypto::RecordWriter& writer = *writer_;
    for (std::size_t first = 0; first < records; first += kSealBatch) {
      out_.resize(std::min(kSealBatch, records - first) * crypto::kRecordFrameBytes);
      auto sealed = co_await state_.workers.run([&writer, &message, first, &out = out_] {
        return seal_records(writer, message, first, out);
      });
      if (!sealed.ok()) throw Closed{Closed::Why::protocol};
      co_await write_all(*io_, out_);
    }
  }

  static std::shared_ptr<const Bytes> own(Bytes b) { return std::make_shared<const Bytes>(std::move(b)); }

  // A request's answer: ready now, or once its drop's commit is durable.
  struct Answer {
    std::shared_ptr<const Bytes> ready;
    std::shared_ptr<PendingCommit> commit;
  };

  // (No co_await inside a braced initializer: GCC 12 miscompiles it.)
  awaitable<Answer> start(const v1::Request& request) {
    if (request.kind_case() == v1::Request::kPutDrop) co_return co_await start_put_drop(request.put_drop());
    auto response = co_await handle(request);
    co_return ready(std::move(response));
  }
  static Answer ready(std::shared_ptr<const Bytes> response) { return Answer{std::move(response), nullptr}; }

  awaitable<std::shared_ptr<const Bytes>> handle(const v1::Request& request) {
    // Reads are cheap but not free: a connection that only reads gets a few,
    // then its slot goes to someone else. A board fetch counts once however
    // many pages it has: page 0 counts, and so does any page but the one
    // after the page just served.
    const bool next_page = request.kind_case() == v1::Request::kGetReplyBoard &&
                           request.get_reply_board().page() != 0 &&
                           request.get_reply_board().page() == next_board_page_;
    if (request.kind_case() != v1::Request::kPutDrop && !next_page &&
        ++other_requests_ > state_.config.limits.other_requests_per_connection)
      throw Closed{Closed::Why::limit};
    switch (request.kind_case()) {
      case v1::Request::kGetKeyBundle:
        if (!state_.bundle)
          co_return own(wire::encode(wire::error_response(v1::ERROR_CODE_NO_KEY_BUNDLE,
                                                          "this relay has no key bundle published yet")));
        ++state_.counters.bundles_served;
        co_return std::shared_ptr<const Bytes>(state_.bundle, &state_.bundle->response);
      case v1::Request::kGetReplyBoard: co_return board_page(request.get_reply_board().page());
      default: break;
    }
    throw Closed{Closed::Why::protocol};
  }

  // A page of the board as it is now, shared by every session (the store not
  // read yet: one empty page, never a different shape).
  std::shared_ptr<const Bytes> board_page(std::uint32_t page) {
    static const std::shared_ptr<const ServedBoard> empty = build_reply_board({});
    const std::shared_ptr<const ServedBoard>& board = state_.board ? state_.board : empty;
    if (page >= board->pages.size()) {
      next_board_page_ = 0;
      return own(wire::encode(wire::error_response(
          v1::ERROR_CODE_NO_SUCH_PAGE, "the reply board has " + std::to_string(board->pages.size()) + " pages")));
    }
    if (page == 0) ++state_.counters.boards_served;
    next_board_page_ = page + 1;
    return std::shared_ptr<const Bytes>(board, &board->pages[page]);
  }

  std::shared_ptr<const Bytes> refusal(v1::ErrorCode code, std::string_view detail) {
    ++state_.counters.drops_refused;
    return own(wire::encode(wire::error_response(code, detail)));
  }

  awaitable<Answer> start_put_drop(const v1::PutDrop& put) {
    const auto& limits = state_.config.limits;
    if (!state_.bundle) co_return ready(refusal(v1::ERROR_CODE_NO_KEY_BUNDLE, "this relay has no key bundle published yet"));
    if (drops_ >= limits.drops_per_connection) {
      closing_ = true;
      co_return ready(refusal(v1::ERROR_CODE_TOO_MANY_DROPS, "too many drops on one connection; reconnect"));
    }
    ++drops_;
    if (put.drop().size() != state_.bundle->drop_size)
      co_return ready(refusal(v1::ERROR_CODE_DROP_WRONG_SIZE,
                              "a drop must be exactly " + std::to_string(state_.bundle->drop_size) + " bytes"));
    auto checked = co_await state_.workers.run(
        [&put, challenge = challenge_, bits = pow_bits_] { return check_drop(put, challenge, bits); });
    if (!checked.paid)
      co_return ready(refusal(v1::ERROR_CODE_POW_INSUFFICIENT, "the proof of work does not solve this connection's challenge"));
    auto ex = co_await asio::this_coro::executor;
    auto pending = start_commit(state_.committer, ex, std::move(checked.drop));
    co_return Answer{nullptr, std::move(pending)};
  }

  awaitable<std::shared_ptr<const Bytes>> finish_put_drop(PendingCommit& pending) {
    auto st = co_await finish_commit(pending);
    if (!st.ok()) {
      if (st.code() == Errc::unsafe) {
        ++state_.counters.drops_refused_low_space;
        co_return refusal(v1::ERROR_CODE_QUOTA_EXCEEDED, "the relay's disk is full; nothing was stored; try again later");
      }
      if (st.code() == Errc::quota)
        co_return refusal(v1::ERROR_CODE_QUOTA_EXCEEDED, "the relay is full; try again later");
      co_return refusal(v1::ERROR_CODE_STORAGE_UNAVAILABLE, "the relay could not store the drop; nothing was stored");
    }
    // A repeated drop is acknowledged (it is durably stored) but not counted:
    // it added nothing.
    if (*st == PutOutcome::stored) {
      ++stored_;
      ++state_.counters.drops_stored;
      state_.pow.drop_stored(Clock::now());
    }
    v1::Response r;
    r.mutable_ack()->set_stored(stored_);
    co_return own(wire::encode(r));
  }

  std::shared_ptr<SessionIo> io_;
  RelayState& state_;
  crypto::pow::Challenge challenge_{};
  std::optional<crypto::RecordReader> reader_;
  std::optional<crypto::RecordWriter> writer_;
  std::uint32_t drops_ = 0;
  std::uint32_t stored_ = 0;
  std::uint32_t other_requests_ = 0;
  std::uint32_t next_board_page_ = 0;  // the page that continues this connection's board fetch for free
  std::uint32_t pow_bits_ = 0;
  Bytes out_;  // the outgoing frames being sealed and written (at most kSealBatch)
  bool closing_ = false;
};

}  // namespace

awaitable<void> run_session(asio::ip::tcp::socket socket, RelayState& state) {
  auto io = std::make_shared<SessionIo>(std::move(socket), state.config.limits.session_lifetime);
  auto& sessions = registry();
  auto me = sessions.insert(sessions.end(), io);
  ++state.open_sessions;
  ++state.counters.connections;
  try {
    // Inside the try: when memory runs out (it did, at about 8,000
    // connections, when every secret was its own mapping) even starting the
    // watchdog can throw, and the session must still be counted out below,
    // or shutdown waits for it for ever.
    asio::co_spawn(io->socket.get_executor(), watchdog(io), asio::detached);
    Session session(io, state);
    co_await session.run();
  } catch (const Closed& c) {
    switch (c.why) {
      case Closed::Why::timeout: ++state.counters.timeouts; break;
      case Closed::Why::handshake: ++state.counters.handshakes_failed; break;
      case Closed::Why::protocol: ++state.counters.protocol_errors; break;
      case Closed::Why::limit: ++state.counters.over_limits; break;
      case Closed::Why::evicted: ++state.counters.evicted_idle; break;
      case Closed::Why::peer_closed: break;
    }
  } catch (const std::exception&) {
    ++state.counters.protocol_errors;  // e.g. bad_alloc: this connection ends, the relay goes on
  }
  io->close();
  sessions.erase(me);
  --state.open_sessions;
}

void close_idle_sessions() {
  for (auto& w : registry())
    if (auto io = w.lock(); io && io->idle) io->close();
}

bool evict_oldest_idle_session() {
  std::shared_ptr<SessionIo> oldest;
  for (auto& w : registry())
    if (auto io = w.lock(); io && io->idle && !io->evicted && io->socket.is_open() &&
                            (!oldest || io->idle_since < oldest->idle_since))
      oldest = io;
  if (!oldest) return false;
  oldest->evicted = true;
  oldest->close();
  return true;
}

void close_all_sessions() {
  for (auto& w : registry())
    if (auto io = w.lock()) io->close();
}

}  // namespace cairn::relay
