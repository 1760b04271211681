"""The AWS emulator used by the tests and the local environment: moto in server mode, with
two changes that make it behave like AWS where our components depend on it.

1. New S3 buckets carry the default SSE-S3 encryption configuration, as AWS has applied
   to every bucket since January 2023. moto leaves it unset, and the ACK S3 controller
   dereferences the missing configuration and never syncs a Bucket.
2. The EKS Pod Identity association API (create, describe, list, update, delete), which
   moto lacks, so that whatever plays ACK's part for PodIdentityAssociation calls a real
   HTTP API with AWS's request and response shapes.

This file only adapts the emulator; it is not part of the product.
"""

import secrets
import sys
from datetime import datetime, timezone

from moto.core.responses import ActionResult
from moto.eks import urls as eks_urls
from moto.eks.exceptions import InvalidParameterException, ResourceNotFoundException
from moto.eks.models import EKSBackend
from moto.eks.responses import EKSResponse
from moto.s3.models import FakeBucket
from moto.server import main as moto_main

_DEFAULT_BUCKET_ENCRYPTION = {
    "Rule": {
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
        "BucketKeyEnabled": False,
    }
}

_original_bucket_init = FakeBucket.__init__


def _bucket_init_with_default_encryption(self, *args, **kwargs):
    _original_bucket_init(self, *args, **kwargs)
    if self.encryption is None:
        self.encryption = dict(_DEFAULT_BUCKET_ENCRYPTION)


FakeBucket.__init__ = _bucket_init_with_default_encryption


# --- EKS Pod Identity associations -------------------------------------------------------


def _associations(backend: EKSBackend) -> dict:
    if not hasattr(backend, "_awio_pod_identity_associations"):
        backend._awio_pod_identity_associations = {}
    return backend._awio_pod_identity_associations


def _require_cluster(backend: EKSBackend, cluster_name: str) -> None:
    if cluster_name not in backend.clusters:
        raise ResourceNotFoundException(
            clusterName=cluster_name, nodegroupName=None, fargateProfileName=None,
            addonName=None, message=f"No cluster found for name: {cluster_name}.")


def _find(backend: EKSBackend, cluster_name: str, association_id: str) -> dict:
    _require_cluster(backend, cluster_name)
    association = _associations(backend).get(association_id)
    if association is None or association["clusterName"] != cluster_name:
        raise ResourceNotFoundException(
            clusterName=cluster_name, nodegroupName=None, fargateProfileName=None,
            addonName=None,
            message=f"No Pod Identity Association found with id {association_id}.")
    return association


def create_pod_identity_association(self: EKSResponse) -> ActionResult:
    cluster_name = self._get_param("name")
    backend = self.eks_backend
    _require_cluster(backend, cluster_name)
    namespace = self._get_param("namespace")
    service_account = self._get_param("serviceAccount")
    role_arn = self._get_param("roleArn")
    if not namespace or not service_account or not role_arn:
        raise InvalidParameterException(
            "namespace, serviceAccount and roleArn are required")
    for existing in _associations(backend).values():
        if (existing["clusterName"], existing["namespace"], existing["serviceAccount"]) == (
                cluster_name, namespace, service_account):
            raise InvalidParameterException(
                "Association already exists for this service account")
    association_id = "a-" + secrets.token_hex(9)[:17]
    now = datetime.now(timezone.utc).isoformat()
    association = {
        "clusterName": cluster_name,
        "namespace": namespace,
        "serviceAccount": service_account,
        "roleArn": role_arn,
        "associationArn": (f"arn:aws:eks:{self.region}:{self.current_account}:"
                           f"podidentityassociation/{cluster_name}/{association_id}"),
        "associationId": association_id,
        "tags": self._get_param("tags") or {},
        "createdAt": now,
        "modifiedAt": now,
        "ownerArn": "",
        "disableSessionTags": bool(self._get_param("disableSessionTags") or False),
    }
    target = self._get_param("targetRoleArn")
    if target:
        association["targetRoleArn"] = target
    _associations(backend)[association_id] = association
    return ActionResult({"association": association})


def describe_pod_identity_association(self: EKSResponse) -> ActionResult:
    association = _find(self.eks_backend, self._get_param("name"),
                        self._get_param("associationId"))
    return ActionResult({"association": association})


def update_pod_identity_association(self: EKSResponse) -> ActionResult:
    association = _find(self.eks_backend, self._get_param("name"),
                        self._get_param("associationId"))
    role_arn = self._get_param("roleArn")
    if role_arn:
        association["roleArn"] = role_arn
    association["modifiedAt"] = datetime.now(timezone.utc).isoformat()
    return ActionResult({"association": association})


def delete_pod_identity_association(self: EKSResponse) -> ActionResult:
    cluster_name = self._get_param("name")
    association = _find(self.eks_backend, cluster_name, self._get_param("associationId"))
    del _associations(self.eks_backend)[association["associationId"]]
    return ActionResult({"association": association})


def list_pod_identity_associations(self: EKSResponse) -> ActionResult:
    cluster_name = self._get_param("name")
    _require_cluster(self.eks_backend, cluster_name)
    namespace = self._get_param("namespace")
    service_account = self._get_param("serviceAccount")
    summaries = []
    for a in _associations(self.eks_backend).values():
        if a["clusterName"] != cluster_name:
            continue
        if namespace and a["namespace"] != namespace:
            continue
        if service_account and a["serviceAccount"] != service_account:
            continue
        summaries.append({k: a[k] for k in ("clusterName", "namespace", "serviceAccount",
                                            "associationArn", "associationId", "ownerArn")})
    return ActionResult({"associations": summaries})


for _handler in (create_pod_identity_association, describe_pod_identity_association,
                 update_pod_identity_association, delete_pod_identity_association,
                 list_pod_identity_associations):
    setattr(EKSResponse, _handler.__name__, _handler)

eks_urls.url_paths.update({
    "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations$": eks_urls.response.dispatch,
    "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations/(?P<associationId>[^/]+)$":
        eks_urls.response.dispatch,
})


if __name__ == "__main__":
    moto_main(sys.argv[1:])
