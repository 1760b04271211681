#!/usr/bin/env bash
# An exec credential plugin (client.authentication.k8s.io) for tests: prints an ExecCredential
# built from files the test environment already has, or fails on request.
#
#   exec-credential-plugin.sh --cert FILE --key FILE   client certificate and key (PEM)
#   exec-credential-plugin.sh --token-file FILE        bearer token (whitespace dropped)
#   exec-credential-plugin.sh --fail MESSAGE           MESSAGE on stderr, exit status 1
#
# --fail wins over everything else. Other arguments are ignored, so a test can vary the command
# line (for example through a ClusterProfile's additional-args extension) without changing what
# the plugin returns. The answer's apiVersion is the one KUBERNETES_EXEC_INFO names (v1 or
# v1beta1), v1 when that variable is absent. Prints nothing but the credential on stdout.
set -euo pipefail
shopt -s inherit_errexit

cert_file=""
key_file=""
token_file=""
fail_message=""
fail=false
while (($# > 0)); do
  case "$1" in
    --cert | --key | --token-file | --fail)
      if (($# < 2)); then
        echo "exec-credential-plugin.sh: $1 needs a value" >&2
        exit 2
      fi
      case "$1" in
        --cert) cert_file="$2" ;;
        --key) key_file="$2" ;;
        --token-file) token_file="$2" ;;
        --fail)
          fail=true
          fail_message="$2"
          ;;
      esac
      shift 2
      ;;
    *) shift ;;
  esac
done

if [[ "$fail" == true ]]; then
  echo "$fail_message" >&2
  exit 1
fi

# A JSON string literal of a file's content, trailing newline included: backslashes, quotes,
# tabs, carriage returns and newlines escaped.
json_string() {
  local text
  text="$(
    cat "$1"
    echo .
  )"
  text="${text%.}"
  text="${text//\\/\\\\}"
  text="${text//\"/\\\"}"
  text="${text//$'\t'/\\t}"
  text="${text//$'\r'/\\r}"
  text="${text//$'\n'/\\n}"
  printf '%s' "$text"
}

for file in "$cert_file" "$key_file" "$token_file"; do
  if [[ -n "$file" && ! -r "$file" ]]; then
    echo "exec-credential-plugin.sh: cannot read $file" >&2
    exit 2
  fi
done

api_version="client.authentication.k8s.io/v1"
if [[ "${KUBERNETES_EXEC_INFO:-}" == *'"apiVersion":"client.authentication.k8s.io/v1beta1"'* ]]; then
  api_version="client.authentication.k8s.io/v1beta1"
fi

status=""
if [[ -n "$cert_file" || -n "$key_file" ]]; then
  if [[ -z "$cert_file" || -z "$key_file" ]]; then
    echo "exec-credential-plugin.sh: --cert and --key go together" >&2
    exit 2
  fi
  cert="$(json_string "$cert_file")"
  key="$(json_string "$key_file")"
  status="\"clientCertificateData\":\"${cert}\",\"clientKeyData\":\"${key}\""
fi
if [[ -n "$token_file" ]]; then
  token="$(tr -d ' \t\r\n' <"$token_file" | json_string /dev/stdin)"
  [[ -n "$status" ]] && status+=","
  status+="\"token\":\"${token}\""
fi
if [[ -z "$status" ]]; then
  echo "exec-credential-plugin.sh: give --cert and --key, --token-file, or --fail" >&2
  exit 2
fi

printf '{"kind":"ExecCredential","apiVersion":"%s","status":{%s}}\n' "$api_version" "$status"
