// The committer's completion gives up its reference to the session's pending
// commit when it posts the outcome: the committer keeps completions until it
// clears its batch, and a timer destroyed there would be destroyed on the
// wrong thread, or after the network thread's io_context (found by the
// relay_session fuzz campaign: UBSan, "invalid vptr" in deadline_timer_service
// at shutdown).
#include "relay/pending_commit.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace cairn::relay {
namespace {

TEST(PendingCommit, TheCompletionKeepsNoReferenceOnceItHasPostedTheOutcome) {
  boost::asio::io_context io;
  auto pending = std::make_shared<PendingCommit>(io.get_executor());
  pending->done.expires_at(boost::asio::steady_timer::time_point::max());
  Committer::Completion completion = commit_completion(pending, io.get_executor());
  EXPECT_EQ(pending.use_count(), 2);  // the test's and the completion's

  completion(PutOutcome::stored);  // as the committer thread does
  EXPECT_FALSE(pending->result.has_value()) << "the outcome is set on the network thread, not the committer's";
  // Runs the posted handler. (Not run(): the completion, still alive, counts
  // as outstanding work until the committer destroys it.)
  EXPECT_EQ(io.poll(), 1u);
  ASSERT_TRUE(pending->result.has_value());
  ASSERT_TRUE(pending->result->ok());
  EXPECT_EQ(**pending->result, PutOutcome::stored);
  // The completion object is still alive, as it is in the committer's batch.
  EXPECT_EQ(pending.use_count(), 1);
}

TEST(PendingCommit, TheWaitingSessionResumesWithTheOutcome) {
  boost::asio::io_context io;
  auto pending = std::make_shared<PendingCommit>(io.get_executor());
  pending->done.expires_at(boost::asio::steady_timer::time_point::max());
  Committer::Completion completion = commit_completion(pending, io.get_executor());
  Result<PutOutcome> seen = make_error(Errc::io, "not finished");
  boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> { seen = co_await finish_commit(*pending); },
                        boost::asio::detached);
  io.poll();  // the session now waits on its timer
  EXPECT_FALSE(seen.ok());
  completion(PutOutcome::duplicate);
  io.poll();
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(*seen, PutOutcome::duplicate);
}

}  // namespace
}  // namespace cairn::relay
