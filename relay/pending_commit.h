// A drop handed to the group-commit thread (relay/committer.h), and its
// outcome once durable. Sessions read ahead of their commits (Session::run),
// so a source's drops in flight share group commits; the answers still go out
// in request order.
//
// Threads: the PendingCommit and its timer belong to the network thread. The
// committer thread only posts the outcome to it, and the completion it holds
// (kept until the committer clears its batch) gives up its reference to the
// PendingCommit in that post: the timer is never destroyed on the committer
// thread, nor after the network thread's io_context is gone.
#pragma once

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without including it

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>

#include "common/result.h"
#include "relay/committer.h"

namespace cairn::relay {

struct PendingCommit {
  explicit PendingCommit(const boost::asio::any_io_executor& ex) : done(ex) {}
  std::optional<Result<PutOutcome>> result;
  boost::asio::steady_timer done;  // cancelled when the result arrives
};

// The committer's completion for pending: posts the outcome to ex (which it
// counts as outstanding work until then, so io_context::run() cannot return
// while a commit is on its way back) and keeps no reference to pending.
[[nodiscard]] Committer::Completion commit_completion(std::shared_ptr<PendingCommit> pending,
                                                      const boost::asio::any_io_executor& ex);

// Hands drop to the committer; the session finishes it with finish_commit.
[[nodiscard]] std::shared_ptr<PendingCommit> start_commit(Committer& committer, const boost::asio::any_io_executor& ex,
                                                          HashedDrop drop);

// Waits on the network thread for the outcome.
[[nodiscard]] boost::asio::awaitable<Result<PutOutcome>> finish_commit(PendingCommit& pending);

}  // namespace cairn::relay
