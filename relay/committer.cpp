#include "relay/committer.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <vector>

namespace cairn::relay {

namespace {
constexpr std::chrono::milliseconds kJournalRetry{1000};
constexpr std::chrono::milliseconds kResetLinger{20};
}  // namespace

Committer::Committer(Store& store, Options options) : store_(store), options_(options) {
  store_.defer_journal_reset(true);
  thread_ = std::thread([this] { run(); });
}

std::size_t Committer::batch_limit() const {
  // Each commit's WAL frames must stay within what Store::reset_journal scrubs.
  auto layout = store_.slot_layout();
  std::size_t cap = layout.ok() && layout->slot_bytes > 0 ? max_drops_per_transaction(layout->slot_bytes)
                                                          : options_.max_batch;
  return std::max<std::size_t>(1, std::min(options_.max_batch, cap));
}

Committer::~Committer() { stop(); }

void Committer::submit(HashedDrop drop, Completion done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(drop), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  done(make_error(Errc::io, "the relay is shutting down"));
}

void Committer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

std::uint64_t Committer::committed_batches() const {
  std::lock_guard lock(mu_);
  return batches_;
}

void Committer::reset_journal_now() {
  (void)store_.maintain_journal();
  drops_since_reset_ = 0;
}

std::size_t Committer::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::uint64_t Committer::committed_drops() const {
  std::lock_guard lock(mu_);
  return drops_;
}

Status Committer::commit(std::span<const HashedDrop* const> drops) {
  if (options_.free_space != nullptr) {
    std::uint64_t bytes = 0;
    for (const auto* d : drops) bytes += d->bytes().size();
    CAIRN_CHECK(options_.free_space->admit(bytes));
  }
  return store_.put_drops(drops, options_.quota_bytes);
}

void Committer::run() {
  std::vector<Pending> batch;
  std::vector<Pending> fresh;     // drops not stored yet, first copy of each
  std::vector<Pending> repeats;   // second copies of a drop in this batch
  std::vector<const HashedDrop*> views;
  std::set<DropId> in_batch;
  for (;;) {
    const std::size_t limit = batch_limit();
    {
      std::unique_lock lock(mu_);
      // Idle: a journal a reader kept from being reset, or that another
      // process (a purge) wrote, is reset now.
      // After a commit the reset waits kResetLinger for more work, so that a
      // steady stream of drops shares resets (each costs three fsyncs).
      while (!cv_.wait_for(lock, drops_since_reset_ > 0 ? kResetLinger : kJournalRetry,
                           [&] { return stopping_ || !queue_.empty(); })) {
        lock.unlock();
        reset_journal_now();
        lock.lock();
      }
      if (queue_.empty()) {  // stopping, and everything queued is done
        lock.unlock();
        if (drops_since_reset_ > 0) reset_journal_now();
        return;
      }
      // Whatever arrived while the last commit was syncing goes in this one.
      while (!queue_.empty() && batch.size() < limit) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    // A drop already committed is durable: its answer needs no transaction
    // (and no fsync), so repeating a drop costs the relay one index lookup.
    for (auto& p : batch) {
      const auto& id = p.drop.id();
      auto stored = store_.has_drop(id);
      if (stored.ok() && *stored)
        p.done(PutOutcome::duplicate);
      else if (!in_batch.insert(id).second)
        repeats.push_back(std::move(p));
      else
        fresh.push_back(std::move(p));
    }
    batch.clear();
    in_batch.clear();
    Status status = ok_status();
    if (!fresh.empty()) {
      // Reset the WAL first if this commit would take it past one batch's
      // worth of frames since the last reset.
      if (drops_since_reset_ > 0 && drops_since_reset_ + fresh.size() > limit) reset_journal_now();
      drops_since_reset_ += fresh.size();
      views.clear();
      for (const auto& p : fresh) views.push_back(&p.drop);
      status = commit(views);
      if (status.ok()) {
        std::lock_guard lock(mu_);
        ++batches_;
        drops_ += fresh.size();
      }
    }
    // A batch that failed as a whole (quota, disk full) may hold drops that
    // would fit alone; retrying them one by one keeps one client's drop from
    // failing because of another's.
    if (!status.ok() && fresh.size() > 1) {
      for (auto& p : fresh) {
        const HashedDrop* one = &p.drop;
        auto st = commit(std::span<const HashedDrop* const>(&one, 1));
        if (st.ok()) {
          std::lock_guard lock(mu_);
          ++batches_;
          ++drops_;
        }
        p.done(st.ok() ? Result<PutOutcome>(PutOutcome::stored) : Result<PutOutcome>(st.error()));
      }
    } else {
      for (auto& p : fresh) p.done(status.ok() ? Result<PutOutcome>(PutOutcome::stored) : Result<PutOutcome>(status.error()));
    }
    // A second copy is answered after its first: stored by now, or not.
    for (auto& p : repeats) {
      auto stored = store_.has_drop(p.drop.id());
      if (stored.ok() && *stored) p.done(PutOutcome::duplicate);
      else p.done(status.ok() ? Result<PutOutcome>(make_error(Errc::storage, "the drop could not be stored"))
                              : Result<PutOutcome>(status.error()));
    }
    fresh.clear();
    repeats.clear();
    // The WAL is reset once nothing more has come for kResetLinger (above);
    // under load it holds at most `limit` drops' frames, so the reset's -shm
    // scrub covers all of them.
  }
}

}  // namespace cairn::relay
