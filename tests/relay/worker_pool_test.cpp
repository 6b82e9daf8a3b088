// WorkerPool::run (relay/worker_pool.h): the job runs on a worker, the caller
// resumes on its own thread with the job's result or exception, and jobs of
// different callers run at the same time on different workers.
#include "relay/worker_pool.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace cairn::relay {
namespace {

namespace asio = boost::asio;

// Runs the coroutine on an io_context on this thread until it is done.
template <class Make>
void run_on_this_thread(Make make) {
  asio::io_context io;
  std::exception_ptr failed;
  asio::co_spawn(io, make(), [&failed](std::exception_ptr e) { failed = e; });
  io.run();
  if (failed) std::rethrow_exception(failed);
}

TEST(WorkerPool, TheJobRunsOnAWorkerAndTheCallerResumesOnItsOwnThread) {
  WorkerPool pool(1);
  const auto caller = std::this_thread::get_id();
  std::thread::id job_thread, resumed_on;
  int result = 0;
  run_on_this_thread([&]() -> asio::awaitable<void> {
    result = co_await pool.run([&job_thread] {
      job_thread = std::this_thread::get_id();
      return 42;
    });
    resumed_on = std::this_thread::get_id();
  });
  EXPECT_EQ(result, 42);
  EXPECT_NE(job_thread, caller);
  EXPECT_EQ(resumed_on, caller);
}

TEST(WorkerPool, AJobsExceptionReachesTheCaller) {
  WorkerPool pool(1);
  bool caught = false;
  run_on_this_thread([&]() -> asio::awaitable<void> {
    try {
      (void)co_await pool.run([]() -> int { throw std::runtime_error("job failed"); });
    } catch (const std::runtime_error& e) {
      caught = std::string(e.what()) == "job failed";
    }
  });
  EXPECT_TRUE(caught);
}

// Two callers' jobs that each wait for the other to have started: they both
// finish only if they run at the same time, on two workers. (The wait has a
// bound only so that a broken pool fails instead of hanging; it is not a
// measure of speed.)
TEST(WorkerPool, JobsOfTwoCallersRunAtTheSameTimeOnTwoWorkers) {
  WorkerPool pool(2);
  std::mutex mu;
  std::condition_variable cv;
  int started = 0;
  auto meet = [&] {
    std::unique_lock lock(mu);
    ++started;
    cv.notify_all();
    return cv.wait_for(lock, std::chrono::minutes(2), [&] { return started == 2; });
  };
  asio::io_context io;
  bool met[2] = {false, false};
  for (bool& m : met)
    asio::co_spawn(io, [&]() -> asio::awaitable<void> { m = co_await pool.run(meet); }, asio::detached);
  io.run();
  EXPECT_TRUE(met[0]);
  EXPECT_TRUE(met[1]);
}

}  // namespace
}  // namespace cairn::relay
