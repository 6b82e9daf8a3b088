#include "client/socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "i18n/catalog.h"
#include "i18n/system_error.h"

namespace cairn::client {
namespace {

// Waits until fd is ready for events or the deadline passes.
Status wait_ready(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return make_error(Errc::timeout, i18n::tr("the relay did not answer in time"));
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, static_cast<int>(left));
    if (r > 0) return ok_status();
    if (r < 0 && errno != EINTR) return make_error(Errc::io, i18n::trf("poll failed: %s", i18n::system_error(errno)));
  }
}

}  // namespace

Socket::Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Socket::~Socket() { close(); }

void Socket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Socket::shutdown() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

Status Socket::write_all(ByteView data, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::size_t done = 0;
  while (done < data.size()) {
    CAIRN_CHECK(wait_ready(fd_, POLLOUT, deadline));
    ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return make_error(Errc::io, i18n::trf("the connection broke while sending: %s", i18n::system_error(errno)));
    }
    done += static_cast<std::size_t>(n);
  }
  return ok_status();
}

Status Socket::read_exact(MutableByteView out, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::size_t done = 0;
  while (done < out.size()) {
    CAIRN_CHECK(wait_ready(fd_, POLLIN, deadline));
    ssize_t n = ::recv(fd_, out.data() + done, out.size() - done, 0);
    if (n == 0) return make_error(Errc::io, i18n::tr("the connection was closed by the other side"));
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return make_error(Errc::io, i18n::trf("the connection broke while receiving: %s", i18n::system_error(errno)));
    }
    done += static_cast<std::size_t>(n);
  }
  return ok_status();
}

namespace {
// Why a connection failed, in the reader's language for the usual reasons.
std::string connect_failure(int err) {
  switch (err) {
    case ECONNREFUSED: return i18n::tr("nothing answers there (the relay may be down, or the address may be old)");
    default: return i18n::system_error(err);
  }
}
}  // namespace

Result<Socket> connect_tcp(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  auto service = std::to_string(port);
  int gai = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &res);
  if (gai != 0)
    return make_error(Errc::io, i18n::trf("cannot find the address of %s: %s", host, i18n::resolver_error(gai)));
  auto deadline = Clock::now() + timeout;
  Error last = make_error(Errc::io, i18n::trf("cannot connect to %s port %s", host, service));
  for (auto* ai = res; ai != nullptr; ai = ai->ai_next) {
    Socket s(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
    if (!s.is_open()) continue;
    int one = 1;
    ::setsockopt(s.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(s.fd(), ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last = make_error(Errc::io, i18n::trf("cannot connect to %s port %s: %s", host, service, connect_failure(errno)));
      continue;
    }
    auto ready = wait_ready(s.fd(), POLLOUT, deadline);
    if (!ready.ok()) {
      last = ready.error();
      break;
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(s.fd(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      last = make_error(Errc::io, i18n::trf("cannot connect to %s port %s: %s", host, service, connect_failure(err)));
      continue;
    }
    ::freeaddrinfo(res);
    return s;
  }
  ::freeaddrinfo(res);
  return last;
}

}  // namespace cairn::client
