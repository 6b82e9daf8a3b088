#include "relay/pending_commit.h"

#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace cairn::relay {

namespace asio = boost::asio;

Committer::Completion commit_completion(std::shared_ptr<PendingCommit> pending, const asio::any_io_executor& ex) {
  auto tracked = asio::prefer(ex, asio::execution::outstanding_work.tracked);
  // Called once, on the committer thread. The reference moves into the
  // posted handler, which runs and is destroyed on the network thread.
  return [pending = std::move(pending), tracked](Result<PutOutcome> st) mutable {
    asio::post(tracked, [pending = std::move(pending), st = std::move(st)]() mutable {
      pending->result = std::move(st);
      pending->done.cancel();
    });
  };
}

std::shared_ptr<PendingCommit> start_commit(Committer& committer, const asio::any_io_executor& ex, HashedDrop drop) {
  auto pending = std::make_shared<PendingCommit>(ex);
  pending->done.expires_at(asio::steady_timer::time_point::max());
  committer.submit(std::move(drop), commit_completion(pending, ex));
  return pending;
}

asio::awaitable<Result<PutOutcome>> finish_commit(PendingCommit& pending) {
  while (!pending.result) {
    boost::system::error_code ignored;
    co_await pending.done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return std::move(*pending.result);
}

}  // namespace cairn::relay
