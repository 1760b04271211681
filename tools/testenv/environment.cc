// Implementation of the local control plane launcher.
#include "environment.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "pki.h"

namespace awio::testenv {
namespace fs = std::filesystem;
using std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

void WriteFile(const fs::path& path, const std::string& content,
               fs::perms perms = fs::perms(0600)) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
  out.close();
  fs::permissions(path, perms);
}

std::string Base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string Getenv(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

fs::path CacheRoot() {
  std::string xdg = Getenv("XDG_CACHE_HOME");
  fs::path base = xdg.empty() ? fs::path(Getenv("HOME")) / ".cache" : fs::path(xdg);
  return base / "aws-workload-identity-operator";
}

// Reads KEY=VALUE lines; ignores blanks and '#' comments.
std::map<std::string, std::string> ReadEnvFile(const fs::path& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

// Polls `probe` until it returns true, the process dies, or the deadline passes.
void WaitFor(const std::string& what, Process* process, std::chrono::seconds timeout,
             const std::function<bool()>& probe) {
  auto deadline = steady_clock::now() + timeout;
  while (steady_clock::now() < deadline) {
    if (probe()) return;
    if (process != nullptr && !process->Running()) {
      throw std::runtime_error(what + ": " + process->name() + " " + process->ExitDescription() +
                               "; log " + process->log_file().string() + " ends with:\n" +
                               process->LogTail());
    }
    std::this_thread::sleep_for(100ms);
  }
  std::string tail = process != nullptr ? "; log ends with:\n" + process->LogTail() : "";
  throw std::runtime_error(what + ": not ready after " + std::to_string(timeout.count()) + "s" +
                           tail);
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string Kubeconfig(const Cluster& c, const std::string& ca, const std::string& cert,
                       const std::string& key) {
  std::ostringstream y;
  y << "apiVersion: v1\nkind: Config\nclusters:\n- name: " << c.name << "\n  cluster:\n"
    << "    server: " << c.server << "\n    certificate-authority-data: " << Base64(ca) << "\n"
    << "users:\n- name: " << c.name << "-admin\n  user:\n"
    << "    client-certificate-data: " << Base64(cert) << "\n"
    << "    client-key-data: " << Base64(key) << "\n"
    << "contexts:\n- name: " << c.name << "\n  context:\n    cluster: " << c.name
    << "\n    user: " << c.name << "-admin\ncurrent-context: " << c.name << "\n";
  return y.str();
}

}  // namespace

Toolchain Toolchain::Locate() {
  auto file = ReadEnvFile(CacheRoot() / "testenv.env");
  auto get = [&](const char* name) -> std::string {
    std::string v = Getenv(name);
    if (!v.empty()) return v;
    auto it = file.find(name);
    if (it != file.end()) return it->second;
    throw std::runtime_error(std::string(name) +
                             " is not set and not in the test environment file; run "
                             "tools/setup-testenv.sh (the README's test command does) first");
  };
  Toolchain t;
  fs::path kube = get("AWIO_KUBERNETES_DIR");
  t.kube_apiserver = kube / "kube-apiserver";
  t.kube_controller_manager = kube / "kube-controller-manager";
  t.kubectl = kube / "kubectl";
  t.etcd = fs::path(get("AWIO_ETCD_DIR")) / "etcd";
  t.ack_iam_controller = fs::path(get("AWIO_ACK_IAM_DIR")) / "ack-iam-controller";
  auto built = [](const char* variable, const char* build_tree_path) {
    std::string v = Getenv(variable);
    return fs::path(v.empty() ? build_tree_path : v);
  };
  t.ack_eks_standin = built("AWIO_ACK_EKS_STANDIN", AWIO_ACK_EKS_STANDIN_PATH);
  t.ack_s3_standin = built("AWIO_ACK_S3_STANDIN", AWIO_ACK_S3_STANDIN_PATH);
  t.workload_standin = built("AWIO_WORKLOAD_STANDIN", AWIO_WORKLOAD_STANDIN_PATH);
  t.crd_dir = get("AWIO_CRD_DIR");
  t.emulator_python = get("AWIO_EMULATOR_PYTHON");
  // The emulator's server script belongs to this checkout, not to whichever checkout last ran
  // the setup (the cache, and its testenv.env, are shared by every clone on the machine).
  t.emulator_server = built("AWIO_EMULATOR_SERVER", AWIO_EMULATOR_SERVER_PATH);
  for (const auto& p : {t.kube_apiserver, t.kube_controller_manager, t.kubectl, t.etcd,
                        t.ack_iam_controller, t.emulator_python, t.emulator_server, t.crd_dir}) {
    if (!fs::exists(p)) {
      throw std::runtime_error("test environment component missing: " + p.string() +
                               "; run tools/setup-testenv.sh");
    }
  }
  return t;
}

HttpRequest Cluster::Request(const std::string& method, const std::string& path,
                             const std::string& body) const {
  HttpRequest r;
  r.method = method;
  r.url = server + path;
  r.body = body;
  r.ca_file = ca_file.string();
  r.client_cert_file = client_cert_file.string();
  r.client_key_file = client_key_file.string();
  r.headers = {"Accept: application/json"};
  if (!body.empty()) {
    r.headers.push_back(method == "PATCH" ? "Content-Type: application/merge-patch+json"
                                          : "Content-Type: application/json");
  }
  return r;
}

HttpRequest AwsEmulator::Request(const std::string& service, const std::string& method,
                                 const std::string& path_and_query, const std::string& body) const {
  HttpRequest r;
  r.method = method;
  r.url = endpoint + path_and_query;
  r.body = body;
  r.aws_sigv4 = "aws:amz:" + region + ":" + service;
  r.aws_access_key_id = access_key_id;
  r.aws_secret_access_key = secret_access_key;
  return r;
}

std::unique_ptr<Environment> Environment::Start(EnvironmentSpec spec) {
  if (spec.clusters.empty()) spec.clusters.push_back({.name = "hub", .third_party_crds = true});
  std::unique_ptr<Environment> env(new Environment());
  env->spec_ = std::move(spec);
  env->toolchain_ = Toolchain::Locate();
  if (env->spec_.work_dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "awio-testenv-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp " + tmpl);
    env->work_dir_ = tmpl;
  } else {
    env->work_dir_ = env->spec_.work_dir;
    fs::create_directories(env->work_dir_);
  }

  env->StartEtcd();
  if (env->spec_.aws_emulator) env->StartEmulator();  // starts while the API servers boot
  env->StartApiServers();
  for (std::size_t i = 0; i < env->clusters_.size(); ++i) {
    if (env->spec_.clusters[i].third_party_crds) env->InstallCrds(env->clusters_[i]);
  }
  for (std::size_t i = 0; i < env->clusters_.size(); ++i) {
    if (env->spec_.clusters[i].controller_manager) env->StartControllerManager(env->clusters_[i]);
  }
  if (env->spec_.ack_iam_controller) env->StartAckIamController();
  if (env->spec_.ack_eks_standin) {
    env->StartAckStandin("ack-eks-standin", env->toolchain_.ack_eks_standin,
                         "reconciling PodIdentityAssociations");
  }
  if (env->spec_.ack_s3_standin) {
    env->StartAckStandin("ack-s3-standin", env->toolchain_.ack_s3_standin, "reconciling Buckets");
  }
  for (std::size_t i = 0; i < env->clusters_.size(); ++i) {
    if (env->spec_.clusters[i].workload_standin) env->StartWorkloadStandin(env->clusters_[i]);
  }
  return env;
}

Environment::~Environment() { Stop(); }

std::unique_ptr<Process>& Environment::Launch(ProcessSpec spec) {
  // Marks every child so that tests and scripts can find this environment's processes.
  spec.env["AWIO_TESTENV_DIR"] = work_dir_.string();
  return processes_.emplace_back(std::make_unique<Process>(std::move(spec)));
}

void Environment::Stop() {
  for (auto it = processes_.rbegin(); it != processes_.rend(); ++it) (*it)->Stop(5s);
  processes_.clear();
  if (!spec_.keep_work_dir && !work_dir_.empty()) {
    std::error_code ignored;
    fs::remove_all(work_dir_, ignored);
  }
}

const Cluster& Environment::cluster(const std::string& name) const {
  for (const auto& c : clusters_) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("no cluster named " + name);
}

const AwsEmulator& Environment::aws() const {
  if (!aws_) throw std::runtime_error("the environment was started without the AWS emulator");
  return *aws_;
}

std::unique_ptr<Process>* Environment::FindProcess(const std::string& process_name) {
  for (auto& p : processes_) {
    if (p && p->name() == process_name) return &p;
  }
  return nullptr;
}

void Environment::StopApiServer(const std::string& name) {
  auto* p = FindProcess("kube-apiserver[" + name + "]");
  if (p == nullptr) throw std::runtime_error("no running API server for cluster " + name);
  (*p)->Stop(10s);
  p->reset();
  std::erase(processes_, nullptr);
}

void Environment::StartStoppedApiServer(const std::string& name) {
  auto spec = apiserver_specs_.find(name);
  if (spec == apiserver_specs_.end()) throw std::runtime_error("no cluster named " + name);
  const Cluster& c = cluster(name);
  auto& p = Launch(spec->second);
  WaitFor("kube-apiserver " + name + " after restart", p.get(), 120s,
          [&] { return Send(c.Request("GET", "/readyz")).status == 200; });
}

void Environment::RestartApiServer(const std::string& name) {
  StopApiServer(name);
  StartStoppedApiServer(name);
}

std::vector<std::string> Environment::ProcessSummary() {
  std::vector<std::string> out;
  for (auto& p : processes_) {
    out.push_back(
        p->name() + ": " +
        (p->Running() ? "running, pid " + std::to_string(p->pid()) : p->ExitDescription()));
  }
  return out;
}

void Environment::StartEtcd() {
  int client_port = FreeLoopbackPort();
  int peer_port = FreeLoopbackPort();
  etcd_url_ = "http://127.0.0.1:" + std::to_string(client_port);
  std::string peer_url = "http://127.0.0.1:" + std::to_string(peer_port);
  fs::path dir = work_dir_ / "etcd";
  fs::create_directories(dir);
  auto& p = Launch(ProcessSpec{
      .name = "etcd",
      .argv = {toolchain_.etcd.string(), "--data-dir=" + (dir / "data").string(),
               "--listen-client-urls=" + etcd_url_, "--advertise-client-urls=" + etcd_url_,
               "--listen-peer-urls=" + peer_url, "--initial-advertise-peer-urls=" + peer_url,
               "--initial-cluster=default=" + peer_url, "--unsafe-no-fsync=true",
               "--log-level=warn", "--quota-backend-bytes=4294967296"},
      .log_file = dir / "etcd.log"});
  WaitFor("etcd at " + etcd_url_, p.get(), 60s, [&] {
    auto r = Send({.url = etcd_url_ + "/health", .timeout = 2s});
    return r.status == 200 && r.body.find("\"true\"") != std::string::npos;
  });
}

void Environment::StartApiServers() {
  std::vector<Process*> started;
  for (const auto& spec : spec_.clusters) {
    Cluster c;
    c.name = spec.name;
    c.dir = work_dir_ / spec.name;
    int port = FreeLoopbackPort();
    c.server = "https://127.0.0.1:" + std::to_string(port);

    CertificateAuthority serving_ca(spec.name + "-serving-ca");
    CertificateAuthority client_ca(spec.name + "-client-ca");
    Certificate serving = serving_ca.IssueServing(
        "kube-apiserver", {"localhost", "kubernetes", "kubernetes.default.svc"}, {"127.0.0.1"});
    Certificate admin = client_ca.IssueClient("admin", {"system:masters"});
    c.service_account_signing_key_pem = spec.service_account_signing_key_pem.empty()
                                            ? GenerateRsaKey().private_key_pem
                                            : spec.service_account_signing_key_pem;
    c.service_account_public_key_pem = PublicKeyFromPrivate(c.service_account_signing_key_pem);
    c.service_account_issuer =
        spec.service_account_issuer.empty() ? c.server : spec.service_account_issuer;

    c.ca_file = c.dir / "pki" / "serving-ca.crt";
    c.client_cert_file = c.dir / "pki" / "admin.crt";
    c.client_key_file = c.dir / "pki" / "admin.key";
    WriteFile(c.ca_file, serving_ca.cert_pem());
    WriteFile(c.dir / "pki" / "serving.crt", serving.cert_pem);
    WriteFile(c.dir / "pki" / "serving.key", serving.key_pem);
    WriteFile(c.dir / "pki" / "client-ca.crt", client_ca.cert_pem());
    WriteFile(c.client_cert_file, admin.cert_pem);
    WriteFile(c.client_key_file, admin.key_pem);
    WriteFile(c.dir / "pki" / "sa.key", c.service_account_signing_key_pem);
    WriteFile(c.dir / "pki" / "sa.pub", c.service_account_public_key_pem);
    c.kubeconfig = c.dir / "kubeconfig";
    WriteFile(c.kubeconfig, Kubeconfig(c, serving_ca.cert_pem(), admin.cert_pem, admin.key_pem));

    std::vector<std::string> audiences = {c.service_account_issuer};
    for (const auto& a : spec.api_audiences) audiences.push_back(a);
    auto pki = [&](const char* f) { return (c.dir / "pki" / f).string(); };
    std::vector<std::string> argv = {toolchain_.kube_apiserver.string(),
                                     "--etcd-servers=" + etcd_url_,
                                     "--etcd-prefix=/registry-" + spec.name,
                                     "--bind-address=127.0.0.1",
                                     "--advertise-address=127.0.0.1",
                                     "--secure-port=" + std::to_string(port),
                                     "--cert-dir=" + (c.dir / "cert-dir").string(),
                                     "--tls-cert-file=" + pki("serving.crt"),
                                     "--tls-private-key-file=" + pki("serving.key"),
                                     "--client-ca-file=" + pki("client-ca.crt"),
                                     "--authorization-mode=Node,RBAC",
                                     "--service-account-issuer=" + c.service_account_issuer,
                                     "--service-account-key-file=" + pki("sa.pub"),
                                     "--service-account-signing-key-file=" + pki("sa.key"),
                                     "--api-audiences=" + Join(audiences, ","),
                                     "--service-cluster-ip-range=10.0.0.0/24",
                                     "--allow-privileged=true",
                                     "--disable-admission-plugins=ServiceAccount",
                                     "--profiling=false",
                                     "--watch-cache=true",
                                     "--endpoint-reconciler-type=none"};
    argv.insert(argv.end(), spec.extra_apiserver_args.begin(), spec.extra_apiserver_args.end());
    ProcessSpec process{.name = "kube-apiserver[" + spec.name + "]",
                        .argv = argv,
                        .log_file = c.dir / "kube-apiserver.log"};
    apiserver_specs_[spec.name] = process;
    auto& p = Launch(process);
    started.push_back(p.get());
    clusters_.push_back(std::move(c));
  }
  for (std::size_t i = 0; i < clusters_.size(); ++i) {
    const Cluster& c = clusters_[i];
    WaitFor("kube-apiserver " + c.name + " at " + c.server, started[i], 120s, [&] {
      auto r = Send(c.Request("GET", "/readyz"));
      return r.status == 200;
    });
  }
}

std::string Environment::Kubectl(const Cluster& cluster,
                                 const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {toolchain_.kubectl.string(),
                                   "--kubeconfig=" + cluster.kubeconfig.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  fs::path out_file = work_dir_ / ("kubectl-" + std::to_string(::getpid()) + ".out");
  {
    Process p(ProcessSpec{.name = "kubectl", .argv = argv, .log_file = out_file});
    while (p.Running()) std::this_thread::sleep_for(20ms);
    std::string output = p.LogTail(1 << 20);
    std::string status = p.ExitDescription();
    fs::remove(out_file);
    if (status != "exited with status 0") {
      throw std::runtime_error("kubectl " + Join(args, " ") + " on " + cluster.name + " " + status +
                               ":\n" + output);
    }
    return output;
  }
}

void Environment::InstallCrds(const Cluster& cluster) {
  Kubectl(cluster, {"apply", "--server-side", "--field-manager=awio-testenv", "-f",
                    toolchain_.crd_dir.string()});
  Kubectl(cluster, {"wait", "--for=condition=Established", "--timeout=120s", "crd", "--all"});
}

void Environment::StartControllerManager(const Cluster& cluster) {
  auto& p =
      Launch(ProcessSpec{.name = "kube-controller-manager[" + cluster.name + "]",
                         .argv = {toolchain_.kube_controller_manager.string(),
                                  "--kubeconfig=" + cluster.kubeconfig.string(),
                                  "--controllers=namespace-controller,garbage-collector-controller",
                                  "--leader-elect=false", "--secure-port=0",
                                  "--concurrent-gc-syncs=5", "--concurrent-namespace-syncs=5"},
                         .log_file = cluster.dir / "kube-controller-manager.log"});
  // It has no endpoint to probe; a quick exit (bad flag, unreachable API) is caught here.
  std::this_thread::sleep_for(200ms);
  if (!p->Running()) {
    throw std::runtime_error(p->name() + " " + p->ExitDescription() + ":\n" + p->LogTail());
  }
}

void Environment::StartEmulator() {
  int port = FreeLoopbackPort();
  AwsEmulator aws;
  aws.endpoint = "http://127.0.0.1:" + std::to_string(port);
  aws.region = spec_.aws_region;
  fs::path dir = work_dir_ / "aws-emulator";
  auto& p = Launch(
      ProcessSpec{.name = "aws-emulator",
                  .argv = {toolchain_.emulator_python.string(), toolchain_.emulator_server.string(),
                           "--host=127.0.0.1", "--port=" + std::to_string(port)},
                  // AWS-managed policies (arn:aws:iam::aws:policy/...) exist, as in AWS, so
                  // roles can attach them; moto loads them on the first IAM call.
                  .env = {{"MOTO_ACCOUNT_ID", aws.account_id},
                          {"MOTO_IAM_LOAD_MANAGED_POLICIES", "true"},
                          {"PYTHONUNBUFFERED", "1"}},
                  .unset_env = {"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                "AWS_SESSION_TOKEN"},
                  .log_file = dir / "emulator.log"});
  WaitFor("AWS emulator at " + aws.endpoint, p.get(), 60s, [&] {
    return Send({.url = aws.endpoint + "/moto-api/data.json", .timeout = 2s}).status == 200;
  });
  aws_ = aws;
}

void Environment::StartAckIamController() {
  const AwsEmulator& emulator = aws();
  const Cluster& hub = clusters_.front();
  std::string health = "127.0.0.1:" + std::to_string(FreeLoopbackPort());
  auto& p = Launch(ProcessSpec{
      .name = "ack-iam-controller",
      .argv = {toolchain_.ack_iam_controller.string(), "--aws-region=" + emulator.region,
               "--aws-endpoint-url=" + emulator.endpoint,
               "--aws-identity-endpoint-url=" + emulator.endpoint,
               "--allow-unsafe-aws-endpoint-urls", "--enable-carm=false", "--metrics-addr=0",
               "--healthz-addr=" + health, "--log-level=info",
               "--reconcile-default-resync-seconds=60",
               // Only the kinds whose CRDs the hub has; the controller stalls on the others.
               "--reconcile-resources=Role,Policy,OpenIDConnectProvider"},
      .env = {{"KUBECONFIG", hub.kubeconfig.string()},
              {"AWS_ACCESS_KEY_ID", emulator.access_key_id},
              {"AWS_SECRET_ACCESS_KEY", emulator.secret_access_key},
              {"AWS_REGION", emulator.region},
              {"AWS_EC2_METADATA_DISABLED", "true"},
              // Hermetic: no shared config or credentials files from the user's home.
              {"AWS_CONFIG_FILE", (hub.dir / "no-aws-config").string()},
              {"AWS_SHARED_CREDENTIALS_FILE", (hub.dir / "no-aws-credentials").string()}},
      // A CA bundle from the environment makes the SDK replace its HTTP client, which the
      // controller's client wrapper rejects on every call; the emulator is plain HTTP anyway.
      .unset_env = {"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CA_BUNDLE"},
      .log_file = hub.dir / "ack-iam-controller.log"});
  WaitFor("ACK IAM controller", p.get(), 60s, [&] {
    return Send({.url = "http://" + health + "/readyz", .timeout = 2s}).status == 200;
  });
}

void Environment::StartAckStandin(const std::string& name, const fs::path& binary,
                                  const std::string& banner) {
  if (!fs::exists(binary)) {
    throw std::runtime_error("the " + name + " stand-in is not built: " + binary.string());
  }
  const AwsEmulator& emulator = aws();
  const Cluster& hub = clusters_.front();
  auto& p = Launch(ProcessSpec{
      .name = name,
      .argv = {binary.string(), "--server=" + hub.server, "--ca-file=" + hub.ca_file.string(),
               "--client-cert=" + hub.client_cert_file.string(),
               "--client-key=" + hub.client_key_file.string(),
               "--aws-endpoint-url=" + emulator.endpoint, "--aws-region=" + emulator.region,
               "--account-id=" + emulator.account_id, "--interval-ms=300"},
      .log_file = hub.dir / (name + ".log")});
  WaitFor(name, p.get(), 30s, [&] { return p->LogTail().find(banner) != std::string::npos; });
}

void Environment::StartWorkloadStandin(const Cluster& cluster) {
  if (!fs::exists(toolchain_.workload_standin)) {
    throw std::runtime_error("the workload stand-in is not built: " +
                             toolchain_.workload_standin.string());
  }
  auto& p = Launch(
      ProcessSpec{.name = "workload-standin[" + cluster.name + "]",
                  .argv = {toolchain_.workload_standin.string(),
                           "--kubeconfig=" + cluster.kubeconfig.string(), "--interval-ms=300"},
                  .log_file = cluster.dir / "workload-standin.log"});
  WaitFor("workload stand-in for " + cluster.name, p.get(), 30s,
          [&] { return p->LogTail().find("reporting Deployments") != std::string::npos; });
}

}  // namespace awio::testenv
