#include "relay/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/resource.h>

#include <functional>
#include <future>
#include <limits>
#include <new>
#include <optional>

#include "common/day.h"
#include "crypto/key_bundle.h"
#include "db/wal_index.h"
#include "relay/disk_space.h"
#include "relay/key_file.h"
#include "relay/relay_keys.h"
#include "relay/reply_board.h"
#include "relay/session.h"
#include "relay/store.h"
#include "wire/protocol.h"

namespace cairn::relay {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

constexpr std::chrono::seconds kReloadInterval{5};
// After a failed accept (out of descriptors), wait this long before the next.
constexpr std::chrono::milliseconds kAcceptBackoff{100};

// Reads what `cairn-relay publish` installed (possibly while we run).
void reload(Store& store, RelayState& state) {
  // How full the store is, for the proof-of-work policy.
  auto counts = store.counts();
  auto layout = store.slot_layout();
  if (counts.ok() && layout.ok()) {
    const double capacity = static_cast<double>(std::min<std::uint64_t>(
        state.config.limits.quota_bytes, layout->slot_count * std::uint64_t{layout->slot_bytes}));
    state.fill = capacity > 0 ? static_cast<double>(counts->drop_bytes) / capacity : 1.0;
  }
  const std::string_view names[] = {meta::kKeyBundle, meta::kDropSize};
  auto pair = store.get_metas(names);  // one snapshot: never a bundle with another's drop size
  if (pair.ok() && (*pair)[0].has_value() && (*pair)[1].has_value() && (*pair)[1]->size() == 4) {
    const Bytes& bundle = *(*pair)[0];
    auto served = std::make_shared<ServedBundle>();
    v1::Response r;
    r.mutable_key_bundle()->set_signed_key_bundle(bundle.data(), bundle.size());
    served->response = wire::encode(r);
    served->drop_size = get_u32be((*pair)[1]->data());
    // The organisation's cap on proof of work, from the verified bundle. A
    // bundle that does not verify today is refused by every client anyway.
    auto organisation = load_organisation_key(store);
    auto verified = organisation.ok() ? crypto::verify_key_bundle(bundle, *organisation, today_utc())
                                      : Result<crypto::VerifiedKeyBundle>(organisation.error());
    served->pow_cap = verified.ok() ? verified->pow_bits : state.config.limits.pow_bits;
    if (!state.bundle || state.bundle->response != served->response) state.bundle = std::move(served);
  }
  auto replies = store.replies(today_utc());
  if (replies.ok()) {
    // The same bytes for every client until the board changes. Publish
    // checks sizes and the board cap; build_reply_board enforces them again.
    if (!state.board || state.board->digest != reply_board_digest(*replies)) state.board = build_reply_board(*replies);
  }
}

class Server {
 public:
  // on_shutdown: called once, when shutdown begins.
  Server(asio::io_context& io, const ServeConfig& config, RelayState& state, Store& reader,
         std::function<void()> on_shutdown)
      : io_(io), config_(config), state_(state), reader_(reader), on_shutdown_(std::move(on_shutdown)),
        acceptor_(io), signals_(io, SIGTERM, SIGINT), report_timer_(io), reload_timer_(io), grace_timer_(io),
        accept_backoff_(io) {}

  Status listen() {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(config_.listen_address, ec);
    if (ec) return make_error(Errc::invalid_argument, "cannot parse the listen address " + config_.listen_address);
    asio::ip::tcp::endpoint ep(address, config_.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return make_error(Errc::io, "cannot listen on " + config_.listen_address + ":" +
                                            std::to_string(config_.port) + ": " + ec.message());
    return ok_status();
  }

  void start() {
    log_line("listening on port " + std::to_string(acceptor_.local_endpoint().port()));
    asio::co_spawn(io_, accept_loop(), asio::detached);
    asio::co_spawn(io_, periodic_reload(), asio::detached);
    asio::co_spawn(io_, periodic_report(), asio::detached);
    signals_.async_wait([this](boost::system::error_code ec, int) {
      if (!ec) begin_shutdown();
    });
  }

 private:
  awaitable<void> accept_loop() {
    while (acceptor_.is_open()) {
      boost::system::error_code ec;
      auto socket = co_await acceptor_.async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (!acceptor_.is_open()) co_return;
        // e.g. EMFILE: keep serving the connections we have. The pending
        // connection stays in the backlog, so retrying at once would spin.
        accept_backoff_.expires_after(kAcceptBackoff);
        co_await accept_backoff_.async_wait(asio::redirect_error(use_awaitable, ec));
        continue;
      }
      // Full: the session idle longest makes room (an idle peer loses
      // nothing it sent); only when every session is busy is the new one refused.
      if (state_.draining || (state_.open_sessions >= config_.limits.max_connections &&
                              !evict_oldest_idle_session())) {
        ++state_.counters.refused_busy;
        socket.close(ec);
        continue;
      }
      socket.set_option(asio::ip::tcp::no_delay(true), ec);
      try {
        asio::co_spawn(io_, run_session(std::move(socket), state_), asio::detached);
      } catch (const std::bad_alloc&) {
        // Out of memory for one more session: refuse it, keep accepting.
        ++state_.counters.refused_busy;
        socket.close(ec);
      }
    }
  }

  awaitable<void> periodic_reload() {
    while (!stopping_) {
      expire_replies();
      reload(reader_, state_);
      reload_timer_.expires_after(kReloadInterval);
      boost::system::error_code ec;
      co_await reload_timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    }
  }

  awaitable<void> periodic_report() {
    while (!stopping_) {
      report_timer_.expires_after(config_.report_interval);
      boost::system::error_code ec;
      co_await report_timer_.async_wait(asio::redirect_error(use_awaitable, ec));
      if (!ec) log_line("in the last period: " + state_.counters.take_report());
    }
  }

  // Replies past their last day are deleted from the store (not only left
  // unserved), at start-up and once each new day.
  void expire_replies() {
    const DayNumber today = today_utc();
    if (today == replies_expired_on_) return;
    auto expired = reader_.expire_replies(today);
    if (!expired.ok()) return;  // retried at the next reload
    replies_expired_on_ = today;
    if (*expired > 0) log_line("removed " + std::to_string(*expired) + " expired replies from the board");
  }

  void begin_shutdown() {
    log_line("shutting down: no new connections; finishing requests in flight");
    stopping_ = true;
    state_.draining = true;
    on_shutdown_();
    boost::system::error_code ec;
    acceptor_.close(ec);
    report_timer_.cancel();
    reload_timer_.cancel();
    accept_backoff_.cancel();
    close_idle_sessions();
    // Stage 2: after the grace period, or at a second signal, close everything.
    grace_timer_.expires_after(config_.shutdown_grace);
    grace_timer_.async_wait([](boost::system::error_code e) {
      if (!e) close_all_sessions();
    });
    signals_.async_wait([this](boost::system::error_code e, int) {
      if (!e) close_all_sessions();
      grace_timer_.cancel();
    });
    asio::co_spawn(io_, wait_for_sessions(), asio::detached);
  }

  awaitable<void> wait_for_sessions() {
    asio::steady_timer poll(io_);
    while (state_.open_sessions > 0) {
      poll.expires_after(std::chrono::milliseconds(20));
      boost::system::error_code ec;
      co_await poll.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    grace_timer_.cancel();
    signals_.cancel();
  }

  asio::io_context& io_;
  const ServeConfig& config_;
  RelayState& state_;
  Store& reader_;
  std::function<void()> on_shutdown_;
  asio::ip::tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer report_timer_, reload_timer_, grace_timer_, accept_backoff_;
  bool stopping_ = false;
  DayNumber replies_expired_on_ = 0;
};

// Descriptors kept for everything that is not a connection: the listener,
// the store's files (two connections, WAL, index), the event loop, logs.
constexpr std::size_t kReservedDescriptors = 64;

// Raises the process's file limit to its hard limit and returns how many
// connections it can then hold: every connection is one descriptor.
std::size_t connection_capacity() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  if (lim.rlim_cur == RLIM_INFINITY) return std::numeric_limits<std::size_t>::max();
  return lim.rlim_cur > kReservedDescriptors ? static_cast<std::size_t>(lim.rlim_cur) - kReservedDescriptors : 1;
}

// Tests only (--test-hold-worker): keeps one worker busy until released,
// at the start of shutdown or at the latest before the pool is joined.
class HeldWorker {
 public:
  HeldWorker(WorkerPool& pool, bool hold) {
    if (hold) pool.post([held = release_.get_future().share()] { held.wait(); });
    else release();
  }
  ~HeldWorker() { release(); }
  HeldWorker(const HeldWorker&) = delete;
  HeldWorker& operator=(const HeldWorker&) = delete;
  void release() {
    if (!released_) release_.set_value();
    released_ = true;
  }

 private:
  std::promise<void> release_;
  bool released_ = false;
};

}  // namespace

Status serve(const ServeConfig& asked) {
  // More connections than descriptors would make accept() fail and leave
  // clients hanging in the backlog: the cap is what the process can hold.
  ServeConfig config = asked;
  if (const auto capacity = connection_capacity(); config.limits.max_connections > capacity) {
    log_line("--max-connections " + std::to_string(config.limits.max_connections) +
             " is more than this process's file limit allows; using " + std::to_string(capacity));
    config.limits.max_connections = capacity;
  }
  CAIRN_TRY(auto key, read_key_file(config.key_file));
  // Before SQLite maps anything: on a full disk, rebuilding the WAL index can
  // die of SIGBUS (relay/disk_space.h).
  CAIRN_CHECK(check_free_space_to_start(config.store_path, config.limits.min_free_bytes));
  // Declared first so that it outlives both connections (db/wal_index.h).
  std::optional<db::WalIndexReservation> wal_index;
  // Two connections to the store: the committer writes, the network thread reads.
  CAIRN_TRY(auto writer, Store::open(config.store_path, key));
  CAIRN_TRY(auto reader, Store::open(config.store_path, key));
  CAIRN_CHECK(writer->integrity_check());
  // Opening rebuilt the WAL index, which on small-block file systems has holes
  // that a full disk turns into SIGBUS later: give it real blocks while there is room.
  {
    auto held = db::WalIndexReservation::open(config.store_path);
    if (!held.ok()) return held.error();
    wal_index.emplace(std::move(held).value());
  }
  if (auto st = wal_index->preallocate(kWalIndexPreallocBytes); !st.ok()) {
    if (st.code() != Errc::unsupported) return st.error();
    log_line(st.error().message);
  }
  if (config.test_max_page_count > 0) CAIRN_CHECK(writer->database().set_max_page_count(config.test_max_page_count));
  CAIRN_TRY(auto keys, load_relay_keys(*reader));

  Counters counters;
  FreeSpaceGuard free_space([dir = config.store_path.parent_path()] { return available_bytes(dir); },
                            config.limits.min_free_bytes);
  Committer committer(*writer, {.quota_bytes = config.limits.quota_bytes,
                                .max_batch = config.limits.max_batch,
                                .free_space = &free_space});
  {
    // Sessions run on this thread (io); their cryptography on the workers.
    // Declared before io: a job in flight keeps io.run() from returning, and
    // the pool is joined only after io is gone (docs/ARCHITECTURE.md, "Threads").
    WorkerPool workers(config.workers);
    HeldWorker held(workers, config.test_hold_worker);
    asio::io_context io(1);
    RelayState state{config,  keys.noise, committer, counters, workers, nullptr, nullptr,
                     PowPolicy({.floor_bits = config.limits.pow_bits,
                                .calm_drops_per_minute = config.limits.pow_calm_drops_per_minute})};
    Server server(io, config, state, *reader, [&held] { held.release(); });
    CAIRN_CHECK(server.listen());
    reload(*reader, state);
    if (!state.bundle) log_line("no key bundle is published yet: drops are refused until `cairn-relay publish`");
    else if (config.limits.pow_bits > state.bundle->pow_cap)
      log_line("warning: --pow-bits " + std::to_string(config.limits.pow_bits) + " is above the key bundle's cap of " +
               std::to_string(state.bundle->pow_cap) + " bits; clients will refuse to submit");
    server.start();
    io.run();
  }
  committer.stop();  // every queued drop is committed before we return
  log_line("stopped cleanly: " + counters.take_report());
  return ok_status();
}

}  // namespace cairn::relay
