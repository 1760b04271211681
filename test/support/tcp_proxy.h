// A loopback TCP forwarder for tests that need to cut connections: it accepts on a free port,
// forwards each connection to a target port, and can drop every open connection at once
// while it keeps listening, as a network failure between client and server would.
#pragma once

#include <atomic>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace awio::test {

class TcpProxy {
 public:
  explicit TcpProxy(int target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return port_; }
  // Closes every connection that is open now; new connections are accepted as before.
  void DropConnections();
  // Connections accepted so far.
  int accepted() const { return accepted_; }

 private:
  void Run();

  int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};
  std::atomic<bool> stop_{false};
  std::atomic<bool> drop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

}  // namespace awio::test
