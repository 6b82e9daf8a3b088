#include "client/drop_window.h"

#include <algorithm>
#include <condition_variable>
#include <optional>
#include <thread>

#include "client/relay_error.h"
#include "crypto/drop.h"
#include "crypto/secret.h"
#include "i18n/catalog.h"

namespace cairn::client {
namespace {

// A proof of work expected to take 2^bits tries; give up far beyond that.
std::uint64_t pow_budget(std::uint32_t bits) { return (std::uint64_t{1} << bits) * 64 + 1024; }

}  // namespace

// One drop, from its body to its acknowledgement. Written by the workers,
// read by the sending thread, under m.
struct DropWindow::Slot {
  std::mutex m;
  std::condition_variable ready;
  bool sealed = false;
  std::optional<Error> error;
  Bytes drop;
  crypto::pow::Context context{};   // BLAKE2b-256 of drop, computed once
  std::uint64_t nonce_generation = 0;  // the connection the nonce was found for
  crypto::pow::Nonce nonce{};
};

DropWindow::DropWindow(DropSource source, crypto::DropRecipientKeys recipients, std::size_t drop_size,
                       std::size_t window, unsigned threads)
    : source_(std::move(source)),
      recipients_(std::move(recipients)),
      drop_size_(drop_size),
      window_(std::clamp<std::size_t>(window, 1, std::max<std::size_t>(1, kMaxWindowBytes / std::max<std::size_t>(1, drop_size)))),
      total_(source_.count),
      pool_(threads) {}

DropWindow::~DropWindow() = default;

DropWindow::Target DropWindow::target() const {
  std::lock_guard lock(target_mutex_);
  return target_;
}

void DropWindow::seal(const std::shared_ptr<Slot>& slot, crypto::Plaintext& body) {
  auto sealed = crypto::seal_drop(body.view(), recipients_, drop_size_);
  body = crypto::Plaintext();  // wiped: only the sealed drop is kept
  {
    std::lock_guard lock(slot->m);
    if (!sealed.ok()) {
      slot->error = sealed.error();
      slot->ready.notify_all();
      return;
    }
    slot->context = crypto::pow::context_for_drop(*sealed);
    slot->drop = std::move(sealed).value();
    slot->sealed = true;
  }
  // The target is read after `sealed` is set: a connection opened meanwhile
  // either is seen here or posts its own solve() for this slot.
  solve(slot);
}

void DropWindow::solve(const std::shared_ptr<Slot>& slot) {
  const Target t = target();
  crypto::pow::Context context;
  {
    std::lock_guard lock(slot->m);
    if (t.generation == 0 || !slot->sealed || slot->error || slot->nonce_generation >= t.generation) return;
    context = slot->context;
  }
  auto nonce = crypto::pow::solve(t.challenge, context, t.bits, pow_budget(t.bits));
  std::lock_guard lock(slot->m);
  if (!nonce.ok()) {
    slot->error = nonce.error();
  } else if (t.generation > slot->nonce_generation) {
    slot->nonce = *nonce;
    slot->nonce_generation = t.generation;
  }
  slot->ready.notify_all();
}

Status DropWindow::fill_slots() {
  while (made_ < total_ && made_ < acked_ + 2 * window_) {
    CAIRN_TRY(auto made, source_.next());
    auto body = std::make_shared<crypto::Plaintext>(std::move(made));
    auto slot = std::make_shared<Slot>();
    slots_.push_back(slot);
    ++made_;
    pool_.post([this, slot, body] { seal(slot, *body); });
  }
  return ok_status();
}

Status DropWindow::send_on(RelayConnection& conn, const Progress& progress, const Refusal& refused,
                           const std::function<void()>& near_end) {
  broke_ = false;
  const auto& params = conn.relay_parameters();
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(target_mutex_);
    generation = ++target_.generation;
    std::copy(params.pow_challenge().begin(), params.pow_challenge().end(), target_.challenge.begin());
    target_.bits = params.pow_bits();
  }
  // Drops already sealed need this connection's proof of work.
  for (const auto& slot : slots_) pool_.post([this, slot] { solve(slot); });

  const std::size_t base = acked_;
  const std::size_t to_send = std::min<std::size_t>(total_ - base, params.max_drops_per_connection());

  // Shared with the reader thread, under m.
  struct Shared {
    std::mutex m;
    std::condition_variable changed;
    std::size_t sent = 0;
    std::size_t received = 0;
    std::optional<Error> failure;
    bool broke = false;
    bool stop = false;
  } shared;

  std::thread reader([&] {
    for (;;) {
      {
        std::unique_lock lock(shared.m);
        shared.changed.wait(lock, [&] { return shared.stop || shared.sent > shared.received; });
        if (shared.sent == shared.received) return;
      }
      auto resp = conn.receive();
      std::lock_guard lock(shared.m);
      if (!resp.ok()) {
        shared.failure = resp.error();
        shared.broke = is_broken_connection(resp.error());
      } else if (resp->has_error()) {
        shared.failure = refused(resp->error());
      } else if (!resp->has_ack()) {
        shared.failure = make_error(Errc::protocol, i18n::tr("the relay did not acknowledge the drop"));
      } else {
        ++shared.received;
      }
      shared.changed.notify_all();
      if (shared.failure) return;
    }
  });
  auto finish = [&](Status st, bool broke) -> Status {
    {
      std::lock_guard lock(shared.m);
      shared.stop = true;
    }
    shared.changed.notify_all();
    if (!st.ok()) conn.shut_down();  // the reader may be waiting for acks that will not come
    reader.join();
    broke_ = !st.ok() && broke;
    return st;
  };

  std::size_t next = 0;  // drops sent on this connection: base .. base + next - 1
  bool warned = false;   // near_end was called
  for (;;) {
    std::size_t received = 0;
    std::optional<Error> failure;
    bool broke = false;
    // Seal ahead before waiting: the workers run while this thread blocks.
    if (auto filled = fill_slots(); !filled.ok()) return finish(filled, false);
    {
      std::unique_lock lock(shared.m);
      shared.changed.wait(lock, [&] {
        return shared.failure || shared.received == to_send || (next < to_send && next - shared.received < window_);
      });
      received = shared.received;
      failure = shared.failure;
      broke = shared.broke;
    }
    while (acked_ < base + received) {
      slots_.pop_front();
      ++acked_;
      if (progress) progress(acked_, total_);
    }
    if (failure) return finish(*failure, broke);
    if (received == to_send) return finish(ok_status(), false);
    if (auto filled = fill_slots(); !filled.ok()) return finish(filled, false);

    auto slot = slots_.at(base + next - acked_);
    v1::Request req;
    {
      std::unique_lock lock(slot->m);
      slot->ready.wait(lock, [&] { return slot->error || (slot->sealed && slot->nonce_generation == generation); });
      if (slot->error) {
        auto e = *slot->error;
        lock.unlock();
        return finish(e, false);
      }
      req.mutable_put_drop()->set_drop(slot->drop.data(), slot->drop.size());
      req.mutable_put_drop()->set_pow_nonce(slot->nonce.data(), slot->nonce.size());
    }
    if (auto sent = conn.send(req); !sent.ok()) return finish(sent, is_broken_connection(sent.error()));
    ++next;
    if (near_end && !warned && base + to_send < total_ && to_send - next <= window_) {
      warned = true;
      near_end();
    }
    {
      std::lock_guard lock(shared.m);
      ++shared.sent;
    }
    shared.changed.notify_all();
  }
}

}  // namespace cairn::client
