#include "relay/committer.h"

#include <vector>

namespace cairn::relay {

Committer::Committer(Store& store, Options options)
    : store_(store), options_(options), thread_([this] { run(); }) {}

Committer::~Committer() { stop(); }

void Committer::submit(Bytes drop, Completion done) {
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

std::uint64_t Committer::committed_drops() const {
  std::lock_guard lock(mu_);
  return drops_;
}

Status Committer::commit(std::span<const ByteView> drops) {
  if (options_.free_space != nullptr) {
    std::uint64_t bytes = 0;
    for (auto d : drops) bytes += d.size();
    CAIRN_CHECK(options_.free_space->admit(bytes));
  }
  return store_.put_drops(drops, options_.quota_bytes);
}

void Committer::run() {
  std::vector<Pending> batch;
  std::vector<ByteView> views;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is done
      // Whatever arrived while the last commit was syncing goes in this one.
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    views.clear();
    for (const auto& p : batch) views.emplace_back(p.drop);
    auto status = commit(views);
    if (status.ok()) {
      std::lock_guard lock(mu_);
      ++batches_;
      drops_ += batch.size();
    }
    // A batch that failed as a whole (quota, disk full) may hold drops that
    // would fit alone; retrying them one by one keeps one client's drop from
    // failing because of another's.
    if (!status.ok() && batch.size() > 1) {
      for (auto& p : batch) {
        ByteView one(p.drop);
        auto st = commit(std::span<const ByteView>(&one, 1));
        if (st.ok()) {
          std::lock_guard lock(mu_);
          ++batches_;
          ++drops_;
        }
        p.done(std::move(st));
      }
    } else {
      for (auto& p : batch) p.done(status);
    }
    batch.clear();
  }
}

}  // namespace cairn::relay
