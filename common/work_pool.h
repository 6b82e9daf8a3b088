// A fixed set of worker threads that run posted jobs in the order they were
// posted: the client seals drops and pays their proof of work on it, off the
// thread that sends (client/drop_window.h). Jobs must not throw.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cairn {

class WorkPool {
 public:
  // threads: 0 for one per core.
  explicit WorkPool(unsigned threads = 0) {
    if (threads == 0) threads = cores();
    workers_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;
  // Runs every job already posted, then joins the workers.
  ~WorkPool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }

  void post(std::function<void()> job) {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
  }

  [[nodiscard]] unsigned size() const { return static_cast<unsigned>(workers_.size()); }
  [[nodiscard]] static unsigned cores() { return std::max(1u, std::thread::hardware_concurrency()); }

 private:
  void work() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace cairn
