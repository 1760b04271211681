#!/usr/bin/env bash
# The README's main-job command: runs the operator's manager against the local environment and
# brings one AWSWorkloadIdentityConfig and one AWSServiceAccountRole of each delivery type
# (docs/examples/) to Ready, then keeps everything running until Ctrl-C and tears it down. It
# owns the orchestration only: the environment is tools/testenv (awio-testenv), the operator is
# cmd/awio-manager, and docs/development/running-the-manager.md walks through the same steps by
# hand.
#
#   1. prepare the caches and build the binaries
#   2. make the target's service-account signing key and work out its issuer URL
#   3. start the local environment (hub, target-a, AWS emulator, ACK) with that issuer and key
#   4. install the CRDs, the operator config and the signing Secret on the hub, and the webhook
#      namespace on target-a (what the Helm chart and its ManifestWork do in a real fleet)
#   5. create the EKS cluster in the emulator, and on target-a the application's namespace and
#      ServiceAccounts and the EKS Pod Identity Agent (what EKS and the application teams do)
#   6. write the access-provider file and one ClusterProfile per workload namespace
#   7. start the manager and wait until it is ready
#   8. apply the config examples and wait until every config is Ready
#   9. apply the role examples, wait until every role is Ready and check what was delivered
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly root
readonly examples_dir=$root/docs/examples
readonly exec_plugin=$root/test/support/exec-credential-plugin.sh

# Names shared with docs/examples and the manager's command line.
readonly inventory_namespace=inventory
readonly provider_name=local-exec
readonly target_cluster=target-a
readonly region=us-east-1
readonly self_hosted_namespace=team-a
readonly workload_namespaces=(team-a team-b team-c)
readonly webhook_namespace=aws-pod-identity-webhook
readonly signing_secret=awi-signing-key-default
readonly field_manager=awio-run-local
readonly example_files=(operator-config.yaml selfhosted-irsa-config.yaml eks-irsa-config.yaml
  eks-pod-identity-config.yaml)
# The roles, one per workload namespace, and what target-a must hold for them (their
# ServiceAccounts, the EKS Pod Identity Agent).
readonly role_files=(selfhosted-irsa-role.yaml eks-irsa-role.yaml eks-pod-identity-role.yaml)
readonly roles=(team-a/report-uploader team-b/queue-worker team-c/dashboard-reader)
readonly target_objects_file=target-a-objects.yaml
# team-c stands for an EKS cluster with EKS Pod Identity; it is named like the target it runs as.
readonly pod_identity_namespace=team-c
readonly eks_cluster_name=$target_cluster
# The scraper identity of manager.md's "RBAC a scraper needs", created on the hub.
readonly metrics_reader_namespace=monitoring
readonly metrics_reader=prometheus
readonly config_resource=awsworkloadidentityconfigs.aws.identity.appthrust.io
readonly role_resource=awsserviceaccountroles.aws.identity.appthrust.io
readonly association_resource=podidentityassociations.eks.services.k8s.aws
readonly total_steps=9

# S3 bucket names are at most 63 bytes (AWS rule); the hash tail keeps truncated names unique.
readonly bucket_name_limit=63
readonly hash_tail_length=10
# The launcher starts etcd, two API servers, the emulator and ACK; a warm start takes ~30 s.
readonly environment_start_timeout=240
# The manager is ready once its hub caches have synced and its webhook server answers.
readonly manager_ready_timeout=120
# The manager's graceful shutdown may take up to 30 s (spec §7.7); allow a little more.
readonly manager_stop_grace=35
readonly environment_stop_grace=60
# Ports we pick ourselves lie below Linux's default ephemeral range (32768-60999), so a port the
# kernel hands to some client connection cannot take them between our check and the bind.
readonly own_port_low=20000
readonly own_port_high=32000
# How often the wait for Ready prints a line when nothing has changed.
readonly progress_interval=15

log() { printf '[run-local] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

usage() {
  cat <<EOF
Usage: hack/run-local.sh [options]

Starts the local environment (a hub and target cluster $target_cluster, the AWS emulator, ACK),
runs awio-manager against it, applies the examples in docs/examples/ and waits until the three
AWSWorkloadIdentityConfigs (SelfHostedIRSA in team-a, EKSIRSA in team-b, EKSPodIdentity in
team-c) and then the three AWSServiceAccountRoles (one in each) are Ready. Then it prints what
was delivered and how to look around, and keeps running until Ctrl-C.

Options:
  --exit-when-ready   stop everything and exit 0 as soon as all configs and roles are Ready
                      and their delivery is checked (smoke test)
  --no-manager        prepare everything but do not start the manager or apply the examples;
                      print the commands instead (to run the manager yourself, e.g. in gdb)
  --no-setup          skip tools/setup-testenv.sh (the caches are already prepared)
  --no-build          use the binaries already in the build tree (e.g. from CTest)
  --build-dir DIR     build tree to configure and use (default: build/default)
  --work-dir DIR      keep keys, certificates, logs and the environment's data in DIR
                      (default: a temporary directory, removed on a clean exit, which
                      includes Ctrl-C once everything is up; kept after a failure)
  --timeout SECONDS   how long to wait for the configs, and then for the roles, to become
                      Ready (default: 300 each)
  --check-names       only check the bucket-name rule against the spec's vectors, then exit
  -h, --help          show this help
EOF
}

# ---------------------------------------------------------------------------------------------
# Naming (config-controller.md §3.1-§3.2), the same rule the operator uses for the bucket.

# dns-safe: lower-case, each run of characters outside [a-z0-9-] becomes one '-', leading and
# trailing '-' removed, 'x' when nothing is left. Lower-casing is ASCII only: namespaces and
# regions are ASCII, and any other byte falls into a replaced run either way.
dns_safe() {
  local safe
  safe=$(printf '%s' "$1" | LC_ALL=C tr '[:upper:]' '[:lower:]' |
    LC_ALL=C sed -E 's/[^a-z0-9-]+/-/g; s/^-+//; s/-+$//')
  printf '%s' "${safe:-x}"
}

# The S3 bucket (and ACK Bucket) name of a SelfHostedIRSA config in namespace $1, region $2:
# "awi-<ns>-<region>-<first 10 hex of sha256("<ns>/<region>")>", cut to 63 bytes by shortening
# the part before the hash (and dropping the dashes the cut leaves at its end).
bucket_name() {
  local namespace=$1 bucket_region=$2 tail full prefix
  tail=$(printf '%s/%s' "$namespace" "$bucket_region" | sha256sum | cut -c1-"$hash_tail_length")
  full="awi-$(dns_safe "$namespace")-$(dns_safe "$bucket_region")-$tail"
  if ((${#full} <= bucket_name_limit)); then
    printf '%s\n' "$full"
    return
  fi
  prefix=${full:0:bucket_name_limit - hash_tail_length - 1}
  while [[ $prefix == *- ]]; do prefix=${prefix%-}; done
  printf '%s-%s\n' "$prefix" "$tail"
}

# The spec's vectors (config-controller.md §15.2), checked before the name is used so that a
# drift between this shell rule and the operator's shows up here rather than as an issuer the
# target cluster does not match.
check_bucket_names() {
  local vectors=(
    "wlc-a|ap-northeast-1|awi-wlc-a-ap-northeast-1-c7c9fccd48"
    "wlc-a|us-east-1|awi-wlc-a-us-east-1-6eae9f1da5"
    "wlc-b|ap-northeast-1|awi-wlc-b-ap-northeast-1-acae705186"
    "wlc-20260428081433|ap-northeast-1|awi-wlc-20260428081433-ap-northeast-1-d04f0baac8"
    "a|us-gov-west-1|awi-a-us-gov-west-1-10502ff6c2"
    "team-platform-production-workload-cluster-0001|ap-southeast-2|awi-team-platform-production-workload-cluster-0001-a-95efbd7c9c"
    "very-long-workload-cluster-namespace-that-needs-to-fit-in-labels|ap-northeast-1|awi-very-long-workload-cluster-namespace-that-needs-0b10b3b29a"
    "Team_A|us-east-1|awi-team-a-us-east-1-50779f0c43"
    "___|us-east-1|awi-x-us-east-1-813521e131"
    "a..b|eu-west-1|awi-a-b-eu-west-1-64d12fd1f1"
  )
  local vector namespace vector_region want got failures=0
  for vector in "${vectors[@]}"; do
    IFS='|' read -r namespace vector_region want <<<"$vector"
    got=$(bucket_name "$namespace" "$vector_region")
    if [[ $got != "$want" ]]; then
      log "bucket name of ($namespace, $vector_region) is $got, want $want"
      failures=$((failures + 1))
    fi
  done
  ((failures == 0)) || die "the bucket-name rule disagrees with the spec in $failures case(s)"
}

# ---------------------------------------------------------------------------------------------
# Processes

# Options (main fills them from the command line).
build_dir=""
work_dir=""
remove_work_dir=false
run_setup=true
run_build=true
with_manager=true
exit_when_ready=false
ready_timeout=300

testenv_pid=""
manager_pid=""
# Filled by verify_roles: what each role delivered, printed by print_summary.
role_report=()
failed_step=""
# Set once everything is up: Ctrl-C is then the normal way to finish, not a failure.
serving=false

# True while process $1 runs (a zombie waiting to be reaped does not count).
alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $state != Z* ]]
}

# Stops the process group led by $1 (started with setsid): SIGTERM, then SIGKILL after $3 s.
stop_group() {
  local pid=$1 name=$2 grace=$3 deadline
  [[ -n $pid ]] && alive "$pid" || return 0
  log "stopping $name"
  kill -TERM -- "-$pid" 2>/dev/null || true
  deadline=$((SECONDS + grace))
  while alive "$pid"; do
    if ((SECONDS >= deadline)); then
      log "$name did not stop within ${grace}s; killing it"
      kill -KILL -- "-$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_group "$manager_pid" "the manager" "$manager_stop_grace"
  stop_group "$testenv_pid" "the local environment" "$environment_stop_grace"
  if [[ -n $work_dir ]]; then
    if [[ $remove_work_dir == true && $status -eq 0 ]]; then
      rm -rf "$work_dir"
      log "removed $work_dir"
    else
      log "logs and data are kept in $work_dir"
    fi
  fi
  if [[ $status -ne 0 && -n $failed_step ]]; then log "stopped during $failed_step"; fi
  exit "$status"
}

on_signal() {
  if [[ $serving == true ]]; then exit 0; fi
  exit "$1"
}

# Runs a command quietly; on failure prints what it said and fails.
quietly() {
  local output
  if ! output=$("$@" 2>&1); then
    log "command failed: $*"
    printf '%s\n' "$output" >&2
    return 1
  fi
}

# A free loopback port of our own (see own_port_low): nothing accepts connections on it.
free_port() {
  local port
  while :; do
    port=$((own_port_low + RANDOM % (own_port_high - own_port_low)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s\n' "$port"
      return
    fi
  done
}

# JSON string literal of $1 (paths may hold quotes or backslashes).
json_string() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

# The value of key $2 in the KEY=VALUE file $1.
env_value() {
  sed -n "s/^$2=//p" "$1" | tail -n 1
}

step_started=0
step() {
  failed_step="step $1/$total_steps ($2)"
  step_started=$SECONDS
  log "step $1/$total_steps: $2"
}
step_done() {
  log "  done in $((SECONDS - step_started))s"
}

# ---------------------------------------------------------------------------------------------
# The steps

hub() { "$kubectl" --kubeconfig "$hub_kubeconfig" "$@"; }
target() { "$kubectl" --kubeconfig "$target_kubeconfig" "$@"; }

# The pinned kubectl the launcher uses (tools/testenv/environment.cc, Toolchain::Locate).
locate_kubectl() {
  local dir=${AWIO_KUBERNETES_DIR:-}
  local file=${XDG_CACHE_HOME:-$HOME/.cache}/aws-workload-identity-operator/testenv.env
  if [[ -z $dir && -f $file ]]; then dir=$(env_value "$file" AWIO_KUBERNETES_DIR); fi
  [[ -x $dir/kubectl ]] || die "no kubectl in '$dir'; run tools/setup-testenv.sh (or drop --no-setup)"
  kubectl=$dir/kubectl
}

prepare_and_build() {
  step 1 "prepare dependencies and build (the first run builds Kubernetes: 20-30 minutes)"
  if [[ $run_setup == true ]]; then
    "$root/tools/setup-testenv.sh" >"$work_dir/setup.log" 2>&1 ||
      { tail -n 30 "$work_dir/setup.log" >&2; die "tools/setup-testenv.sh failed"; }
  fi
  locate_kubectl
  local targets=(awio-testenv awio-ack-s3-standin awio-workload-standin awio-ack-eks-standin)
  [[ $with_manager == false ]] || targets+=(awio-manager)
  if [[ $run_build == false ]]; then
    [[ -x $build_dir/tools/testenv/awio-testenv ]] || die "no awio-testenv in $build_dir"
    [[ $with_manager == false || -x $build_dir/cmd/awio-manager/awio-manager ]] ||
      die "no awio-manager in $build_dir"
    step_done
    return
  fi
  log "  building ${targets[*]} in $build_dir (log: $work_dir/build.log)"
  {
    (cd "$root" && cmake --preset default -B "$build_dir") &&
      cmake --build "$build_dir" --target "${targets[@]}"
  } >"$work_dir/build.log" 2>&1 || { tail -n 40 "$work_dir/build.log" >&2; die "the build failed"; }
  step_done
}

make_signing_key() {
  step 2 "make the target's signing key and its issuer URL"
  quietly openssl genrsa -out "$work_dir/sa.key" 2048
  quietly openssl rsa -in "$work_dir/sa.key" -pubout -out "$work_dir/sa.pub"
  chmod 600 "$work_dir/sa.key"
  check_bucket_names
  bucket=$(bucket_name "$self_hosted_namespace" "$region")
  issuer_url="https://$bucket.s3.$region.amazonaws.com"
  log "  issuer of $target_cluster: $issuer_url"
  step_done
}

start_environment() {
  step 3 "start the local environment (hub, $target_cluster, AWS emulator, ACK)"
  local env_file=$work_dir/testenv.env deadline
  setsid "$build_dir/tools/testenv/awio-testenv" \
    --targets "$target_cluster" \
    --self-hosted-issuer "$issuer_url" --self-hosted-signing-key "$work_dir/sa.key" \
    --work-dir "$work_dir/env" --env-file "$env_file" >"$work_dir/testenv.log" 2>&1 &
  testenv_pid=$!
  deadline=$((SECONDS + environment_start_timeout))
  until [[ -f $env_file ]] && grep -q '^AWIO_TESTENV_DIR=' "$env_file"; do
    if ! alive "$testenv_pid"; then
      tail -n 30 "$work_dir/testenv.log" >&2
      die "awio-testenv exited"
    fi
    ((SECONDS < deadline)) || die "the environment did not start in ${environment_start_timeout}s"
    sleep 0.5
  done
  hub_kubeconfig=$(env_value "$env_file" KUBECONFIG_HUB)
  target_kubeconfig=$(env_value "$env_file" KUBECONFIG_TARGET_A)
  aws_endpoint=$(env_value "$env_file" AWS_ENDPOINT_URL)
  environment_dir=$(env_value "$env_file" AWIO_TESTENV_DIR)
  log "  hub kubeconfig: $hub_kubeconfig"
  log "  AWS emulator:   $aws_endpoint"
  step_done
}

# Creates namespace $2 on cluster $1 (hub or target) unless it exists.
ensure_namespace() {
  "$1" create namespace "$2" --dry-run=client -o yaml |
    quietly "$1" apply --server-side --field-manager="$field_manager" -f -
}

bootstrap_clusters() {
  step 4 "install the CRDs, operator config and signing Secret; bootstrap the webhook namespace"
  quietly hub apply --server-side --field-manager="$field_manager" -f "$root/config/crd/"
  quietly hub wait --for=condition=Established --timeout=60s -f "$root/config/crd/"
  ensure_namespace hub "$inventory_namespace"
  quietly hub apply --server-side --field-manager="$field_manager" \
    -f "$examples_dir/operator-config.yaml"
  # The kubeadm/kind guide's path: the key the target signs with, handed to the operator, which
  # adopts the Secret and publishes the matching JWKS.
  ensure_namespace hub "$self_hosted_namespace"
  hub -n "$self_hosted_namespace" create secret generic "$signing_secret" \
    --from-file=sa.key="$work_dir/sa.key" --from-file=sa.pub="$work_dir/sa.pub" \
    --dry-run=client -o yaml |
    quietly hub apply --server-side --field-manager="$field_manager" -f -
  # What the chart's ManifestWork creates on every SelfHostedIRSA target; the operator only
  # adds labels to this namespace, it never creates it.
  quietly target apply --server-side --field-manager="$field_manager" -f - <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $webhook_namespace
  labels:
    app.kubernetes.io/name: pod-identity-webhook
    app.kubernetes.io/managed-by: aws-workload-identity-operator
    aws.identity.appthrust.io/runtime: self-hosted-webhook
EOF
  # A scraper for the manager's protected /metrics (docs/reference/manager.md), so that the
  # summary can show a working scrape command.
  ensure_namespace hub "$metrics_reader_namespace"
  quietly hub apply --server-side --field-manager="$field_manager" -f - <<EOF
apiVersion: v1
kind: ServiceAccount
metadata:
  name: $metrics_reader
  namespace: $metrics_reader_namespace
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: aws-workload-identity-operator-metrics-reader
rules:
  - nonResourceURLs: ["/metrics"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: aws-workload-identity-operator-metrics-reader
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: aws-workload-identity-operator-metrics-reader
subjects:
  - kind: ServiceAccount
    name: $metrics_reader
    namespace: $metrics_reader_namespace
EOF
  step_done
}

# A signed request to the emulator's $1 API (s3, iam, sts, eks); the rest are curl arguments.
# Signed, because the emulator routes by the signature's service, and because moto answers an
# anonymous GET of ".../.well-known/openid-configuration" with its own Cognito discovery
# document instead of the S3 object. Prints the body; fails (showing it) on an HTTP error.
aws_call() {
  local service=$1
  shift
  curl -sS --fail-with-body --max-time 10 --aws-sigv4 "aws:amz:$region:$service" \
    --user testing:testing "$@"
}

# The text of every <$1> element in the XML on stdin, one per line (IAM and STS answers).
xml_values() {
  grep -o "<$1>[^<]*</$1>" | sed -e "s|^<$1>||" -e "s|</$1>\$||" || true
}

# What EKS and the application teams provide: the EKS cluster behind team-c in the emulator
# (its Pod Identity associations need it), and on target-a the application's namespace, its
# ServiceAccounts (the operator never creates them) and the EKS Pod Identity Agent DaemonSet
# (the EKS add-on; the workload stand-in reports it available).
prepare_workloads() {
  step 5 "create the EKS cluster, and the ServiceAccounts and Pod Identity Agent on $target_cluster"
  local identity created cluster_request objects
  identity=$(aws_call sts "$aws_endpoint/" --data 'Action=GetCallerIdentity&Version=2011-06-15') ||
    die "cannot ask the emulator who we are: $identity"
  account_id=$(xml_values Account <<<"$identity")
  [[ $account_id =~ ^[0-9]{12}$ ]] || die "the emulator reported no account ID: $identity"
  cluster_request="{\"name\":\"$eks_cluster_name\",\"resourcesVpcConfig\":{},"
  cluster_request+="\"roleArn\":\"arn:aws:iam::$account_id:role/eks-cluster\"}"
  created=$(aws_call eks "$aws_endpoint/clusters" -H 'Content-Type: application/json' \
    --data "$cluster_request") ||
    die "cannot create the EKS cluster $eks_cluster_name in the emulator: $created"
  eks_cluster_arn=$(grep -o '"arn": *"[^"]*"' <<<"$created" | head -n 1 | cut -d'"' -f4)
  [[ $eks_cluster_arn == arn:aws:eks:* ]] || die "the emulator's CreateCluster answer has no ARN"
  log "  EKS cluster: $eks_cluster_arn"
  quietly target apply --server-side --field-manager="$field_manager" \
    -f "$examples_dir/$target_objects_file"
  objects=$(target get -f "$examples_dir/$target_objects_file" -o name | paste -sd ' ')
  log "  on $target_cluster: $objects"
  step_done
}

# The template with its ${...} placeholders replaced (single quotes: the placeholders are
# literal text to find, not expansions).
# shellcheck disable=SC2016
render_cluster_profile() {
  local text
  text=$(<"$examples_dir/cluster-profile.template.yaml")
  text=${text//'${WORKLOAD_NAMESPACE}'/$1}
  text=${text//'${SERVER}'/$target_server}
  text=${text//'${CA_DATA}'/$target_ca_data}
  text=${text//'${NOW}'/$now}
  printf '%s\n' "$text"
}

write_inventory() {
  step 6 "write the access-provider file and the ClusterProfiles"
  [[ -x $exec_plugin ]] || die "the exec credential plugin $exec_plugin is missing"
  local pki=$environment_dir/$target_cluster/pki namespace now target_server target_ca_data
  provider_file=$work_dir/clusterprofile-provider-file.json
  # The plugin hands the manager target-a's admin client certificate, as OCM's cp-creds plugin
  # would hand it a managed ServiceAccount's token.
  cat >"$provider_file" <<EOF
{
  "providers": [
    {
      "name": "$provider_name",
      "execConfig": {
        "apiVersion": "client.authentication.k8s.io/v1",
        "command": $(json_string "$exec_plugin"),
        "args": ["--cert", $(json_string "$pki/admin.crt"), "--key", $(json_string "$pki/admin.key")],
        "provideClusterInfo": false
      }
    }
  ]
}
EOF
  target_server=$(target config view -o jsonpath='{.clusters[0].cluster.server}')
  target_ca_data=$(base64 -w0 "$pki/serving-ca.crt")
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  for namespace in "${workload_namespaces[@]}"; do
    render_cluster_profile "$namespace" |
      quietly hub apply --server-side --field-manager="$field_manager" -f -
    render_cluster_profile "$namespace" |
      quietly hub apply --server-side --field-manager="$field_manager" --subresource=status -f -
    log "  ClusterProfile $inventory_namespace/$namespace -> $target_server"
  done
  # The EKS facts an EKSPodIdentity role needs (role-controller spec §5.2, §8): the association
  # names the cluster, the trust policy its ARN, and the account ID must be known. OCM's EKS
  # integration (or the platform team) publishes them as ClusterProfile properties.
  quietly hub -n "$inventory_namespace" patch clusterprofiles.multicluster.x-k8s.io \
    "$pod_identity_namespace" --subresource=status --type=merge -p "$(
      cat <<EOF
{"status": {"properties": [
  {"name": "aws.identity.appthrust.io/eks-cluster-name", "value": "$eks_cluster_name"},
  {"name": "aws.identity.appthrust.io/eks-cluster-arn", "value": "$eks_cluster_arn"},
  {"name": "aws.identity.appthrust.io/aws-account-id", "value": "$account_id"}]}}
EOF
    )"
  log "  ClusterProfile $inventory_namespace/$pod_identity_namespace:" \
    "EKS cluster $eks_cluster_name, account $account_id"
  step_done
}

manager_command() {
  manager_args=("$build_dir/cmd/awio-manager/awio-manager"
    --kubeconfig "$hub_kubeconfig"
    --cluster-profile-namespaces "$inventory_namespace"
    --clusterprofile-provider-file "$provider_file"
    --aws-endpoint-url "$aws_endpoint" --allow-unsafe-aws-endpoint-urls
    --health-probe-bind-address "127.0.0.1:$health_port"
    --metrics-bind-address "127.0.0.1:$metrics_port"
    --webhook-cert-dir "$work_dir/webhook-certs" --webhook-port "$webhook_port"
    --log-format text)
  # The emulator's credentials; the rest of the AWS chain (profiles, web identity) is switched
  # off so that nothing from the user's own AWS setup leaks in.
  manager_env=(AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION="$region"
    AWS_CONFIG_FILE="$work_dir/no-aws-config"
    AWS_SHARED_CREDENTIALS_FILE="$work_dir/no-aws-credentials")
}

prepare_manager() {
  mkdir -p "$work_dir/webhook-certs"
  # The validating webhook's serving certificate. Nothing on the hub calls the webhook here;
  # the manager only needs a certificate to start its webhook server and pass /readyz.
  quietly openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$work_dir/webhook-certs/tls.key" -out "$work_dir/webhook-certs/tls.crt"
  health_port=$(free_port)
  webhook_port=$(free_port)
  while [[ $webhook_port == "$health_port" ]]; do webhook_port=$(free_port); done
  metrics_port=$(free_port)
  while [[ $metrics_port == "$health_port" || $metrics_port == "$webhook_port" ]]; do
    metrics_port=$(free_port)
  done
  manager_log=$work_dir/manager.log
  manager_command
}

start_manager() {
  step 7 "start the manager"
  prepare_manager
  env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_ROLE_ARN -u AWS_WEB_IDENTITY_TOKEN_FILE \
    -u AWS_ENDPOINT_URL "${manager_env[@]}" setsid "${manager_args[@]}" >"$manager_log" 2>&1 &
  manager_pid=$!
  local deadline=$((SECONDS + manager_ready_timeout))
  until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$health_port/readyz" 2>/dev/null; do
    if ! alive "$manager_pid"; then
      tail -n 30 "$manager_log" >&2
      die "the manager exited"
    fi
    ((SECONDS < deadline)) || {
      tail -n 30 "$manager_log" >&2
      die "the manager was not ready within ${manager_ready_timeout}s"
    }
    sleep 0.5
  done
  log "  ready (health probes on 127.0.0.1:$health_port, metrics on 127.0.0.1:$metrics_port," \
    "log: $manager_log)"
  step_done
}

# One line per object of hub resource $1: "<namespace>/<name> <Ready status> <Ready reason>".
ready_states() {
  hub get "$1" -A -o \
    jsonpath='{range .items[*]}{.metadata.namespace}{"/"}{.metadata.name}{" "}{.status.conditions[?(@.type=="Ready")].status}{" "}{.status.conditions[?(@.type=="Ready")].reason}{"\n"}{end}'
}

# The conditions that are not True of object $2 ("<namespace>/<name>") of hub resource $1.
print_pending_conditions() {
  local resource=$1 key=$2
  log "  $key:"
  hub -n "${key%%/*}" get "$resource" "${key#*/}" -o \
    jsonpath='{range .status.conditions[?(@.status!="True")]}{"    "}{.type}{"="}{.status}{" "}{.reason}{": "}{.message}{"\n"}{end}' >&2 ||
    true
}

# Waits until every object $3... ("<namespace>/<name>") of hub resource $1 is Ready, printing a
# line whenever a Ready status or reason changes and every progress_interval seconds otherwise.
# $2 names the kind in messages. On timeout it prints the conditions that are not True.
wait_until_ready() {
  local resource=$1 kind=$2
  shift 2
  local keys=("$@") key states line status reason summary previous="" ready last_print=0
  local deadline=$((SECONDS + ready_timeout))
  while :; do
    alive "$manager_pid" || { tail -n 30 "$manager_log" >&2; die "the manager exited"; }
    alive "$testenv_pid" || { tail -n 30 "$work_dir/testenv.log" >&2; die "awio-testenv exited"; }
    states=$(ready_states "$resource" 2>/dev/null) || states=""
    summary="" ready=0
    for key in "${keys[@]}"; do
      line=$(awk -v key="$key" '$1 == key' <<<"$states")
      status="" reason=""
      read -r _ status reason <<<"$line"
      [[ $status == True ]] && ready=$((ready + 1))
      summary+="${summary:+, }$key="
      if [[ -n $status ]]; then summary+="$status/$reason"; else summary+="no status yet"; fi
    done
    if [[ $summary != "$previous" ]] || ((SECONDS - last_print >= progress_interval)); then
      log "  [$((SECONDS - step_started))s] $summary"
      previous=$summary last_print=$SECONDS
    fi
    ((ready == ${#keys[@]})) && return 0
    if ((SECONDS >= deadline)); then
      log "not every $kind is Ready after ${ready_timeout}s; their conditions that are not True:"
      for key in "${keys[@]}"; do print_pending_conditions "$resource" "$key"; done
      log "the manager's last log lines ($manager_log):"
      tail -n 40 "$manager_log" >&2
      die "timed out waiting for every $kind to be Ready"
    fi
    sleep 2
  done
}

apply_configs_and_wait() {
  step 8 "apply the config examples and wait until every config is Ready"
  local file namespace keys=()
  for file in "${example_files[@]}"; do
    quietly hub apply --server-side --field-manager="$field_manager" -f "$examples_dir/$file"
  done
  for namespace in "${workload_namespaces[@]}"; do keys+=("$namespace/default"); done
  wait_until_ready "$config_resource" config "${keys[@]}"
  step_done
}

# The roles come after their configs: a role whose config is not Ready yet only waits for it
# (and retries every 30 s), so applying them together would just make the run slower.
apply_roles_and_wait() {
  step 9 "apply the role examples and wait until every role is Ready"
  local file
  for file in "${role_files[@]}"; do
    quietly hub apply --server-side --field-manager="$field_manager" -f "$examples_dir/$file"
  done
  wait_until_ready "$role_resource" role "${roles[@]}"
  verify_roles
  step_done
}

# The published discovery document names the issuer the target was started with: what a
# relying party (IAM) fetches is what the target's tokens claim.
verify_publication() {
  local discovery
  discovery=$(aws_call s3 "$aws_endpoint/$bucket/.well-known/openid-configuration") ||
    die "cannot read the published discovery document of $bucket: $discovery"
  [[ $discovery == *"\"issuer\":\"$issuer_url\""* ]] ||
    die "the published discovery document does not name $issuer_url: $discovery"
  aws_call s3 "$aws_endpoint/$bucket/keys.json" >/dev/null ||
    die "cannot read the published JWKS of $bucket"
  log "  the discovery document and JWKS of $target_cluster are published in $bucket"
}

# The value of jsonpath $3 on role $1/$2 (namespace, name) on the hub.
role_field() {
  hub -n "$1" get "$role_resource" "$2" -o jsonpath="$3"
}

# Checks, for each Ready role, what it delivered where it is used, and collects the summary
# lines: the IAM role and its policies in the emulator, then the ServiceAccount's role-arn
# annotation as read back from target-a or the EKS Pod Identity association in the emulator.
verify_roles() {
  local key namespace name delivery role_arn sa_namespace sa_name attached policy annotation
  local association association_arn associations
  role_report=()
  for key in "${roles[@]}"; do
    namespace=${key%%/*} name=${key#*/}
    delivery=$(role_field "$namespace" "$name" '{.status.deliveryType}')
    role_arn=$(role_field "$namespace" "$name" '{.status.roleARN}')
    sa_namespace=$(role_field "$namespace" "$name" '{.spec.serviceAccount.namespace}')
    sa_name=$(role_field "$namespace" "$name" '{.spec.serviceAccount.name}')
    [[ -n $role_arn ]] || die "role $key is Ready without a status.roleARN"
    attached=$(aws_call iam "$aws_endpoint/" \
      --data "Action=ListAttachedRolePolicies&Version=2010-05-08&RoleName=${role_arn##*/}") ||
      die "the IAM role of $key is not in the emulator: $attached"
    role_report+=("  $key ($delivery)" "    IAM role:        $role_arn")
    while IFS= read -r policy; do
      [[ -n $policy ]] && role_report+=("    policy attached: $policy")
    done < <(xml_values PolicyArn <<<"$attached")
    if [[ $delivery == EKSPodIdentity ]]; then
      association=$(role_field "$namespace" "$name" \
        '{.status.ackResources[?(@.kind=="PodIdentityAssociation")].name}')
      association_arn=$(hub -n "$namespace" get "$association_resource" "$association" \
        -o jsonpath='{.status.associationARN}')
      associations=$(aws_call eks \
        "$aws_endpoint/clusters/$eks_cluster_name/pod-identity-associations") ||
        die "cannot list the Pod Identity associations of $eks_cluster_name: $associations"
      [[ -n $association_arn && $associations == *"\"$association_arn\""* ]] ||
        die "the association of $key ('$association_arn') is not in the emulator: $associations"
      role_report+=("    association:     $association_arn"
        "                     ($sa_namespace/$sa_name on EKS cluster $eks_cluster_name)")
    else
      annotation=$(target -n "$sa_namespace" get serviceaccount "$sa_name" \
        -o jsonpath='{.metadata.annotations.eks\.amazonaws\.com/role-arn}')
      [[ $annotation == "$role_arn" ]] || die "ServiceAccount $sa_namespace/$sa_name on" \
        "$target_cluster has role-arn '$annotation', want $role_arn"
      role_report+=("    ServiceAccount:  $sa_namespace/$sa_name on $target_cluster"
        "                     eks.amazonaws.com/role-arn: $annotation")
    fi
  done
  log "  every role's IAM role is in the emulator and its delivery is in place"
}

# Scrapes /metrics once as the scraper ServiceAccount of step 4 (the token stays in memory).
check_metrics() {
  local token samples
  if ! token=$(hub -n "$metrics_reader_namespace" create token "$metrics_reader" \
    --duration=10m 2>"$work_dir/metrics-token.err"); then
    log "  warning: cannot create a token for $metrics_reader_namespace/$metrics_reader:" \
      "$(<"$work_dir/metrics-token.err")"
    return 0
  fi
  # The header goes through stdin, so that the token never appears on a command line.
  if samples=$(curl -fsS --max-time 10 -H @- "http://127.0.0.1:$metrics_port/metrics" 2>&1 \
    <<<"Authorization: Bearer $token"); then
    log "  a scrape of /metrics as $metrics_reader_namespace/$metrics_reader returns" \
      "$(grep -vc '^#' <<<"$samples") metric samples"
  else
    log "  warning: /metrics did not answer: $samples"
  fi
}

print_summary() {
  local arn_a arn_b line
  arn_a=$(hub -n "$self_hosted_namespace" get "$config_resource" default \
    -o jsonpath='{.status.oidcProviderARN}')
  arn_b=$(hub -n team-b get "$config_resource" default -o jsonpath='{.status.oidcProviderARN}')
  cat <<EOF

All three configs and all three roles are Ready ($((SECONDS - run_started))s in all).

$(hub get "$config_resource" -A -o wide)

SelfHostedIRSA issuer of $target_cluster (team-a): $issuer_url
  its documents in the emulator (path-style; sign the request, see aws_call in this script):
    curl --aws-sigv4 aws:amz:$region:s3 --user testing:testing $aws_endpoint/$bucket/.well-known/openid-configuration
    curl --aws-sigv4 aws:amz:$region:s3 --user testing:testing $aws_endpoint/$bucket/keys.json
IAM OIDC provider ARNs:
  team-a: ${arn_a:-none}
  team-b: ${arn_b:-none}

$(hub get "$role_resource" -A -o wide)

What each role delivered (read back from the emulator and from $target_cluster):
EOF
  for line in "${role_report[@]}"; do printf '%s\n' "$line"; done
  cat <<EOF

Where to look next:
  the hub (configs, roles, ACK objects):
    export KUBECONFIG=$hub_kubeconfig
    $kubectl get awic,awsar -A -o wide
    $kubectl -n team-a get awsar report-uploader -o yaml   # conditions, ackResources, roleARN
    $kubectl -n team-a get roles.iam.services.k8s.aws,policies.iam.services.k8s.aws
    $kubectl -n team-c get $association_resource -o wide
    $kubectl -n team-a get buckets.s3.services.k8s.aws,openidconnectproviders.iam.services.k8s.aws
  $target_cluster (what the application teams and the pods see):
    $kubectl --kubeconfig $target_kubeconfig -n demo get serviceaccounts -o yaml
    $kubectl --kubeconfig $target_kubeconfig -n $webhook_namespace get deploy,svc,secrets
    $kubectl --kubeconfig $target_kubeconfig -n kube-system get daemonset eks-pod-identity-agent
  the AWS emulator (signed with its test credentials; the AWS CLI works too, with
  --endpoint-url $aws_endpoint):
    curl --aws-sigv4 aws:amz:$region:iam --user testing:testing $aws_endpoint/ --data 'Action=ListRoles&Version=2010-05-08'
    curl --aws-sigv4 aws:amz:$region:eks --user testing:testing $aws_endpoint/clusters/$eks_cluster_name/pod-identity-associations
  the manager:
    log:     $manager_log
    health:  curl http://127.0.0.1:$health_port/healthz   curl http://127.0.0.1:$health_port/readyz
    metrics: curl -H "Authorization: Bearer \$($kubectl --kubeconfig $hub_kubeconfig -n $metrics_reader_namespace create token $metrics_reader)" http://127.0.0.1:$metrics_port/metrics
  the other logs:
    environment:        $work_dir/testenv.log and $environment_dir/<cluster>/*.log
    ACK IAM / S3 / EKS: $environment_dir/hub/{ack-iam-controller,ack-s3-standin,ack-eks-standin}.log
  what the examples are and how the pieces find each other: docs/examples/README.md
  the same steps by hand, and what each not-Ready reason means: docs/development/running-the-manager.md
EOF
}

print_manual_commands() {
  prepare_manager
  local quoted
  quoted=$(printf '%q ' "${manager_env[@]}" "${manager_args[@]}")
  cat <<EOF

Everything but the manager is ready. Build and run it with:

  cmake --build $build_dir --target awio-manager
  $quoted

then apply the configs:

  $kubectl --kubeconfig $hub_kubeconfig apply --server-side $(printf -- "-f $examples_dir/%s " "${example_files[@]}")

and, once they are Ready, the roles:

  $kubectl --kubeconfig $hub_kubeconfig apply --server-side $(printf -- "-f $examples_dir/%s " "${role_files[@]}")

EOF
}

stay_up() {
  serving=true
  log "running; press Ctrl-C to stop and tear everything down"
  while :; do
    if [[ -n $manager_pid ]] && ! alive "$manager_pid"; then
      tail -n 30 "$manager_log" >&2
      die "the manager exited"
    fi
    alive "$testenv_pid" || { tail -n 30 "$work_dir/testenv.log" >&2; die "awio-testenv exited"; }
    sleep 1
  done
}

# ---------------------------------------------------------------------------------------------

main() {
  local build_dir_arg=""
  while (($# > 0)); do
    case $1 in
      --exit-when-ready) exit_when_ready=true ;;
      --no-manager) with_manager=false ;;
      --no-setup) run_setup=false ;;
      --no-build) run_build=false ;;
      --build-dir) build_dir_arg=${2:?--build-dir needs a directory} && shift ;;
      --work-dir) work_dir=${2:?--work-dir needs a directory} && shift ;;
      --timeout) ready_timeout=${2:?--timeout needs seconds} && shift ;;
      --check-names)
        check_bucket_names
        log "the bucket-name rule matches the spec's vectors"
        return 0
        ;;
      -h | --help)
        usage
        return 0
        ;;
      *)
        usage >&2
        die "unknown option: $1"
        ;;
    esac
    shift
  done
  [[ $ready_timeout =~ ^[0-9]+$ ]] || die "--timeout wants a number of seconds"
  build_dir=${build_dir_arg:-$root/build/default}
  [[ $build_dir == /* ]] || build_dir=$PWD/$build_dir

  trap cleanup EXIT
  trap 'on_signal 130' INT
  trap 'on_signal 143' TERM
  if [[ -n $work_dir ]]; then
    mkdir -p "$work_dir"
    work_dir=$(cd "$work_dir" && pwd)
  else
    work_dir=$(mktemp -d "${TMPDIR:-/tmp}/awio-run-local.XXXXXX")
    remove_work_dir=true
  fi
  log "work directory: $work_dir"
  run_started=$SECONDS

  prepare_and_build
  make_signing_key
  start_environment
  bootstrap_clusters
  prepare_workloads
  write_inventory
  if [[ $with_manager == false ]]; then
    failed_step=""
    print_manual_commands
    stay_up
  fi
  start_manager
  apply_configs_and_wait
  verify_publication
  apply_roles_and_wait
  check_metrics
  failed_step=""
  print_summary
  if [[ $exit_when_ready == true ]]; then
    log "--exit-when-ready: stopping"
    return 0
  fi
  stay_up
}

main "$@"
