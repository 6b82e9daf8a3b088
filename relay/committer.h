// Group commit: drops from many connections are queued here and written by one
// thread in shared transactions, so durability (one fsync per commit) does not
// cost one fsync per drop. A drop's completion runs only after the transaction
// holding it is durably committed — that is when the relay may ack it. A drop
// that is already stored costs no transaction: it completes as a duplicate at
// once (or, if its first copy is in the same batch, with that batch).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "common/bytes.h"
#include "common/result.h"
#include "relay/disk_space.h"
#include "relay/store.h"

namespace cairn::relay {

class Committer {
 public:
  // Called on the committer thread; must not block (post to an executor).
  using Completion = std::function<void(Result<PutOutcome>)>;

  struct Options {
    std::uint64_t quota_bytes = std::uint64_t{8} << 30;
    std::size_t max_batch = 256;
    // Checked before every commit (null: no check); a refused drop gets Errc::unsafe.
    FreeSpaceGuard* free_space = nullptr;
  };

  Committer(Store& store, Options options);
  ~Committer();  // drains everything queued, then joins
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  // Thread-safe. After stop() completions get Errc::io ("shutting down").
  void submit(HashedDrop drop, Completion done);
  void submit(Bytes drop, Completion done) { submit(HashedDrop(std::move(drop)), std::move(done)); }
  // Finishes every queued drop, then stops the thread. Idempotent.
  void stop();

  [[nodiscard]] std::uint64_t committed_batches() const;
  // Drops waiting for a commit (thread-safe).
  [[nodiscard]] std::size_t queued() const;
  [[nodiscard]] std::uint64_t committed_drops() const;

 private:
  struct Pending {
    HashedDrop drop;
    Completion done;
  };
  void run();
  [[nodiscard]] Status commit(std::span<const HashedDrop* const> drops);
  [[nodiscard]] std::size_t batch_limit() const;
  void reset_journal_now();

  Store& store_;
  Options options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::uint64_t batches_ = 0;
  std::uint64_t drops_ = 0;
  std::size_t drops_since_reset_ = 0;  // committer thread only
  std::thread thread_;
};

}  // namespace cairn::relay
