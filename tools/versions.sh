# Pinned versions of every upstream component the tests and the local environment use.
# Sourced by the scripts under tools/; change a version here and in the matching
# tools/go/<component>/go.mod together (tools/check-versions.sh checks they agree).
KUBERNETES_VERSION=v1.35.4
# Module proxy zips carry no git metadata, so /version reports the real version with a zero
# commit id.
KUBERNETES_COMMIT=0000000000000000000000000000000000000000
ETCD_VERSION=v3.6.16
ACK_IAM_VERSION=v1.7.2
CLUSTER_INVENTORY_API_VERSION=v0.1.2
OCM_API_VERSION=v1.3.0
MOTO_VERSION=5.2.5
AWIO_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/aws-workload-identity-operator"
ACK_S3_VERSION=v1.3.2
