// The local control plane: one etcd, N kube-apiservers (a hub and targets) with throw-away
// PKI and admin kubeconfigs, optional restricted kube-controller-managers, the third-party
// CRDs, the AWS emulator (moto), the real ACK IAM controller, and STAND-INS for what cannot run
// here (ACK's EKS and S3 controllers; the deployment controller and kubelets, since no pod can
// run). Used by C++ tests through test/support/ and by the `awio-testenv` command. Everything
// binds 127.0.0.1 on ports the kernel picks, runs in its own process group with a parent-death
// signal, and is stopped when the Environment is destroyed. This file owns wiring; process.h
// owns process lifetime.
//
// Failures to start throw std::runtime_error naming the component and quoting its log tail:
// a test cannot proceed without its environment, so there is nothing to recover.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http.h"
#include "process.h"

namespace awio::testenv {

// Where the pinned upstream binaries, CRDs and emulator live. Filled from the environment
// variables AWIO_KUBERNETES_DIR, AWIO_ETCD_DIR, AWIO_ACK_IAM_DIR, AWIO_CRD_DIR,
// AWIO_EMULATOR_PYTHON and AWIO_EMULATOR_SERVER, or else from the file that
// tools/setup-testenv.sh writes ($XDG_CACHE_HOME/aws-workload-identity-operator/testenv.env).
struct Toolchain {
  std::filesystem::path kube_apiserver, kube_controller_manager, kubectl, etcd;
  std::filesystem::path ack_iam_controller;
  // Stand-ins built with this project (see their sources); each AWIO_<NAME> variable overrides.
  std::filesystem::path ack_eks_standin;   // ack_eks_standin.cc, AWIO_ACK_EKS_STANDIN
  std::filesystem::path ack_s3_standin;    // ack_s3_standin.cc, AWIO_ACK_S3_STANDIN
  std::filesystem::path workload_standin;  // workload_standin.cc, AWIO_WORKLOAD_STANDIN
  std::filesystem::path crd_dir;           // *.yaml applied to clusters that ask for CRDs
  std::filesystem::path emulator_python;   // the venv's python
  std::filesystem::path emulator_server;   // tools/emulator/server.py

  // Throws with a message telling how to run the setup when something is missing.
  static Toolchain Locate();
};

struct ClusterSpec {
  std::string name;  // "hub", "target-a", ...
  // The service-account token issuer. Empty: https://127.0.0.1:<port> of this API server.
  // A SelfHostedIRSA target sets an S3 URL here.
  std::string service_account_issuer;
  // RSA private key (PEM) that signs service-account tokens. Empty: a fresh RSA-2048 key.
  std::string service_account_signing_key_pem;
  // Audiences the API server accepts besides the issuer; sts.amazonaws.com by default.
  std::vector<std::string> api_audiences = {"sts.amazonaws.com"};
  // Runs a kube-controller-manager restricted to the namespace and garbage-collector
  // controllers, so namespaces finish deleting and owner references are honoured.
  bool controller_manager = true;
  // Installs the third-party CRDs (ClusterProfile, OCM, ACK) and waits until Established.
  bool third_party_crds = false;
  // Extra kube-apiserver flags, e.g. "--token-auth-file=..." or "--watch-cache=false".
  std::vector<std::string> extra_apiserver_args;
  // Runs awio-workload-standin for this cluster: a STAND-IN for the deployment controller and
  // the kubelets (no pods run here), which reports every Deployment rolled out and Available.
  bool workload_standin = false;
};

struct EnvironmentSpec {
  std::vector<ClusterSpec> clusters;  // the first is the hub
  bool aws_emulator = true;
  bool ack_iam_controller = false;  // needs aws_emulator and CRDs on the first cluster
  // The stand-in for ACK's EKS controller (PodIdentityAssociation only), against the emulator.
  bool ack_eks_standin = false;
  // The stand-in for ACK's S3 controller (Bucket only, path-style), against the emulator; needs
  // aws_emulator and CRDs on the first cluster. Its default region is aws_region.
  bool ack_s3_standin = false;
  std::string aws_region = "us-east-1";
  std::filesystem::path work_dir;  // empty: a fresh directory under $TMPDIR
  bool keep_work_dir = false;      // keep logs and data after Stop (for debugging)
};

// One running API server and how to reach it as an administrator (system:masters).
struct Cluster {
  std::string name;
  std::string server;  // https://127.0.0.1:<port>
  std::filesystem::path dir;
  std::filesystem::path kubeconfig;  // self-contained: certificates embedded
  std::filesystem::path ca_file, client_cert_file, client_key_file;
  std::string service_account_issuer;
  std::string service_account_public_key_pem;
  std::string service_account_signing_key_pem;

  // An administrator request to `path` (e.g. "/api/v1/namespaces").
  HttpRequest Request(const std::string& method, const std::string& path,
                      const std::string& body = {}) const;
};

struct AwsEmulator {
  std::string endpoint;  // http://127.0.0.1:<port>
  std::string region;
  std::string access_key_id = "testing";
  std::string secret_access_key = "testing";
  std::string account_id = "123456789012";

  // A request signed with SigV4 for `service` ("s3", "iam", "sts", "eks").
  HttpRequest Request(const std::string& service, const std::string& method,
                      const std::string& path_and_query, const std::string& body = {}) const;
};

class Environment {
 public:
  // Starts everything in `spec`; throws when a component does not come up.
  static std::unique_ptr<Environment> Start(EnvironmentSpec spec);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  const Cluster& hub() const { return clusters_.front(); }
  const Cluster& cluster(const std::string& name) const;
  const std::vector<Cluster>& clusters() const { return clusters_; }
  const AwsEmulator& aws() const;
  bool has_aws() const { return aws_.has_value(); }
  const std::filesystem::path& work_dir() const { return work_dir_; }
  const std::string& etcd_url() const { return etcd_url_; }
  const Toolchain& toolchain() const { return toolchain_; }

  // Runs the pinned kubectl against `cluster` with `args`; returns its output, throws on failure.
  std::string Kubectl(const Cluster& cluster, const std::vector<std::string>& args) const;

  // Stops the API server of `name` and starts it again on the same port with the same
  // certificates and data, then waits until it is ready (clients see a dropped connection
  // and an outage, as in a control-plane upgrade).
  void RestartApiServer(const std::string& name);
  // Stops the API server of `name` without restarting it (StartStoppedApiServer undoes it).
  void StopApiServer(const std::string& name);
  void StartStoppedApiServer(const std::string& name);

  // Names and states of the processes, for diagnostics ("etcd: running", ...).
  std::vector<std::string> ProcessSummary();

  // Stops every process (reverse start order) and removes the work directory unless kept.
  void Stop();

 private:
  Environment() = default;
  std::unique_ptr<Process>& Launch(ProcessSpec spec);
  void StartEtcd();
  void StartApiServers();
  void InstallCrds(const Cluster& cluster);
  void StartControllerManager(const Cluster& cluster);
  void StartEmulator();
  void StartAckIamController();
  // Starts an ACK stand-in (`name` is its process and log name) against the hub and the
  // emulator, and waits until its log shows `banner`.
  void StartAckStandin(const std::string& name, const std::filesystem::path& binary,
                       const std::string& banner);
  void StartWorkloadStandin(const Cluster& cluster);

  EnvironmentSpec spec_;
  Toolchain toolchain_;
  std::filesystem::path work_dir_;
  std::string etcd_url_;
  std::vector<Cluster> clusters_;
  std::optional<AwsEmulator> aws_;
  std::vector<std::unique_ptr<Process>> processes_;     // in start order
  std::map<std::string, ProcessSpec> apiserver_specs_;  // by cluster name, for restarts
  std::unique_ptr<Process>* FindProcess(const std::string& process_name);
};

}  // namespace awio::testenv
