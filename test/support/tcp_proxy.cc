// Implementation of the test TCP forwarder with poll(2) on one thread.
#include "support/tcp_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace awio::test {
namespace {

int ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

TcpProxy::TcpProxy(int target_port) : target_port_(target_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("TcpProxy: cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  if (::pipe2(wake_, O_CLOEXEC) != 0) throw std::runtime_error("TcpProxy: pipe");
  thread_ = std::thread([this] { Run(); });
}

TcpProxy::~TcpProxy() {
  stop_ = true;
  (void)!::write(wake_[1], "x", 1);
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void TcpProxy::DropConnections() {
  drop_ = true;
  (void)!::write(wake_[1], "x", 1);
  while (drop_) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

void TcpProxy::Run() {
  std::vector<std::pair<int, int>> pairs;  // (client, server)
  char buffer[64 * 1024];
  while (!stop_) {
    if (drop_) {
      for (auto [a, b] : pairs) {
        ::close(a);
        ::close(b);
      }
      pairs.clear();
      drop_ = false;
    }
    std::vector<pollfd> fds = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    for (auto [a, b] : pairs) {
      fds.push_back({a, POLLIN, 0});
      fds.push_back({b, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), 1000) <= 0) continue;
    if (fds[1].revents != 0) {
      char drain[16];
      (void)!::read(wake_[0], drain, sizeof drain);
    }
    if (fds[0].revents & POLLIN) {
      int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) {
        int server = ConnectLoopback(target_port_);
        if (server < 0) {
          ::close(client);
        } else {
          pairs.emplace_back(client, server);
          ++accepted_;
        }
      }
    }
    std::vector<std::pair<int, int>> alive;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      auto [client, server] = pairs[i];
      bool closed = false;
      for (int side = 0; side < 2 && !closed; ++side) {
        const pollfd& p = fds[2 + 2 * i + static_cast<std::size_t>(side)];
        if (p.revents == 0) continue;
        int from = side == 0 ? client : server;
        int to = side == 0 ? server : client;
        ssize_t n = ::read(from, buffer, sizeof buffer);
        if (n <= 0 || ::write(to, buffer, static_cast<std::size_t>(n)) != n) closed = true;
      }
      if (closed) {
        ::close(client);
        ::close(server);
      } else {
        alive.emplace_back(client, server);
      }
    }
    pairs = std::move(alive);
  }
  for (auto [a, b] : pairs) {
    ::close(a);
    ::close(b);
  }
}

}  // namespace awio::test
