// Implementation of the client helpers for tests.
#include "support/kube_client_util.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace awio::test {

std::string ReadFileOrDie(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

kube::RestConfig AdminRestConfig(const testenv::Cluster& cluster) {
  kube::RestConfig config;
  config.server = cluster.server;
  config.ca_pem = ReadFileOrDie(cluster.ca_file);
  config.client_cert_pem = ReadFileOrDie(cluster.client_cert_file);
  config.client_key_pem = ReadFileOrDie(cluster.client_key_file);
  config.source = "test cluster " + cluster.name;
  return config;
}

std::shared_ptr<kube::Client> AdminClient(const testenv::Cluster& cluster) {
  return std::make_shared<kube::Client>(kube::Transport::Create(AdminRestConfig(cluster)));
}

}  // namespace awio::test
