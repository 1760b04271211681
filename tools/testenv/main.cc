// awio-testenv: brings up the local control plane from the command line and keeps it running
// until interrupted, printing how to reach each part. Flag parsing and printing only; the
// environment itself is environment.h.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "environment.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Starts a local hub and target clusters, the AWS emulator, the ACK IAM controller and "
      "the stand-ins for what cannot run here on 127.0.0.1, and stops them on Ctrl-C or "
      "SIGTERM."};
  std::vector<std::string> targets = {"target-a"};
  bool no_ack = false, no_aws = false, keep = false;
  bool ack_s3_standin = true, workload_standin = true;
  std::string work_dir, env_file, self_hosted_issuer, self_hosted_key_file;
  app.add_option("--targets", targets, "Names of the target clusters to start")->delimiter(',');
  app.add_flag("--no-aws", no_aws, "Do not start the AWS emulator (implies --no-ack)");
  app.add_flag("--no-ack", no_ack,
               "Do not start the ACK IAM controller, the ACK EKS stand-in and the ACK S3 stand-in");
  app.add_flag("--ack-s3-standin,!--no-ack-s3-standin", ack_s3_standin,
               "Start the stand-in for ACK's S3 controller (Bucket), on by default with ACK");
  app.add_flag("--workload-standin,!--no-workload-standin", workload_standin,
               "Start, for each target, the stand-in that reports Deployments Available "
               "(no pods run here); on by default");
  app.add_option("--work-dir", work_dir, "Directory for data, logs and kubeconfigs");
  app.add_flag("--keep", keep, "Keep the work directory after stopping");
  app.add_option("--env-file", env_file,
                 "Write KEY=VALUE lines (kubeconfig paths, endpoints) to this file when ready");
  app.add_option("--self-hosted-issuer", self_hosted_issuer,
                 "Service-account issuer URL of the first target (SelfHostedIRSA)");
  app.add_option("--self-hosted-signing-key", self_hosted_key_file,
                 "RSA private key (PEM file) that signs the first target's tokens")
      ->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGHUP, OnSignal);

  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .third_party_crds = true});
  for (std::size_t i = 0; i < targets.size(); ++i) {
    awio::testenv::ClusterSpec target{.name = targets[i], .workload_standin = workload_standin};
    if (i == 0 && !self_hosted_issuer.empty()) target.service_account_issuer = self_hosted_issuer;
    if (i == 0 && !self_hosted_key_file.empty()) {
      std::ifstream in(self_hosted_key_file);
      target.service_account_signing_key_pem.assign(std::istreambuf_iterator<char>(in), {});
    }
    spec.clusters.push_back(target);
  }
  spec.aws_emulator = !no_aws;
  spec.ack_iam_controller = !no_aws && !no_ack;
  spec.ack_eks_standin = spec.ack_iam_controller;
  spec.ack_s3_standin = spec.ack_iam_controller && ack_s3_standin;
  spec.work_dir = work_dir;
  spec.keep_work_dir = keep || !work_dir.empty();

  std::unique_ptr<awio::testenv::Environment> env;
  try {
    std::cerr << "starting etcd, " << spec.clusters.size() << " API servers"
              << (spec.aws_emulator ? ", the AWS emulator" : "")
              << (spec.ack_iam_controller ? ", the ACK IAM controller, the ACK EKS stand-in" : "")
              << (spec.ack_s3_standin ? ", the ACK S3 stand-in" : "")
              << (workload_standin && targets.size() > 0 ? ", the workload stand-ins" : "")
              << "...\n";
    env = awio::testenv::Environment::Start(spec);
  } catch (const std::exception& e) {
    std::cerr << "awio-testenv: " << e.what() << "\n";
    return 1;
  }

  std::ostringstream lines;
  for (const auto& c : env->clusters()) {
    std::string key = c.name;
    for (auto& ch : key) ch = ch == '-' ? '_' : static_cast<char>(std::toupper(ch));
    lines << "KUBECONFIG_" << key << "=" << c.kubeconfig.string() << "\n";
  }
  if (env->has_aws()) lines << "AWS_ENDPOINT_URL=" << env->aws().endpoint << "\n";
  lines << "AWIO_TESTENV_DIR=" << env->work_dir().string() << "\n";
  if (!env_file.empty()) std::ofstream(env_file) << lines.str();

  std::cout << "The local environment is ready.\n\n" << lines.str() << "\n";
  std::cout << "Try:\n  kubectl --kubeconfig " << env->hub().kubeconfig.string() << " get crds\n";
  if (env->has_aws()) {
    std::cout << "  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing aws --endpoint-url "
              << env->aws().endpoint << " iam list-roles\n";
  }
  std::cout << "\nLogs are under " << env->work_dir().string() << ". Press Ctrl-C to stop."
            << std::endl;

  while (g_stop == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    for (const auto& line : env->ProcessSummary()) {
      if (line.find("running") == std::string::npos) {
        std::cerr << "awio-testenv: " << line << "; stopping\n";
        g_stop = 1;
      }
    }
  }
  std::cerr << "stopping...\n";
  env->Stop();
  return 0;
}
