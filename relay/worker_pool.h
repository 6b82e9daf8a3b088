// The relay's CPU workers (docs/ARCHITECTURE.md, "Threads"): the network
// thread hands the CPU-heavy step of a session to this pool — the handshake's
// Diffie-Hellman operations, opening and sealing records, hashing a drop and
// checking its proof of work — and co_awaits the result. The session is
// suspended while its job runs and resumes on the network thread, so a job
// touches only what its own session owns (handshake state, record ciphers,
// frame buffers) plus immutable shared data; everything sessions share stays
// on the network thread and needs no lock.
#pragma once

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without including it

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <exception>
#include <optional>
#include <type_traits>

namespace cairn::relay {

class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads) : pool_(threads), threads_(threads) {}
  ~WorkerPool() { pool_.join(); }  // every job posted runs to its end first
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  [[nodiscard]] std::size_t threads() const { return threads_; }

  // Runs f() on a worker and resumes the calling coroutine on its own
  // executor with f's result (or its exception). f must not touch anything
  // another thread may use meanwhile: the caller is suspended, so the
  // caller's own state is safe; state shared between sessions is not.
  // Until the result is back, the caller's executor counts outstanding work
  // (its io_context::run() does not return under a job).
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&>> run(F f) {
    using R = std::invoke_result_t<F&>;
    namespace asio = boost::asio;
    auto home = co_await asio::this_coro::executor;
    auto result = co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr, std::optional<R>)>(
        [this, home](auto handler, F job) {
          auto tracked = asio::prefer(home, asio::execution::outstanding_work.tracked);
          asio::post(pool_, [handler = std::move(handler), job = std::optional<F>(std::move(job)), tracked]() mutable {
            std::exception_ptr failed;
            std::optional<R> out;
            try {
              out.emplace((*job)());
            } catch (...) {
              failed = std::current_exception();
            }
            // What the job holds is released here, on the worker, before the
            // session resumes; the handler moves to the network thread, so
            // nothing of the session's is destroyed on a worker afterwards.
            job.reset();
            asio::post(tracked, [handler = std::move(handler), failed, out = std::move(out)]() mutable {
              handler(failed, std::move(out));
            });
          });
        },
        asio::use_awaitable, std::move(f));
    co_return std::move(*result);
  }

  // Runs f on a worker, not waiting for it (tests: a worker held busy).
  template <class F>
  void post(F f) {
    boost::asio::post(pool_, std::move(f));
  }

 private:
  boost::asio::thread_pool pool_;
  std::size_t threads_;
};

}  // namespace cairn::relay
