// The signing-key vector of config-controller spec §15.6, shared by the oidc unit tests: an
// RSA-2048 public key in SPKI PEM and the key id derived from it.
#pragma once

namespace awio::oidc::test_vectors {

inline constexpr char kSpecPublicKey[] = R"(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA5XeGCu7wOvRR+GShz2Ir
RzZdoqqOixQgTApSdZhvUQ/43kcHqGktilIjG7c9MNHc6NjoMx82FeZuxS8sZ436
7QPnJ6rYBwxIq0nSH8O+sfZPpvsMAbohBlMvmTn4Kk86gbHWn/KAavvuDIrzBpZf
2h/9VJ2RqjELQ8OYIBSeU3Tuhtpe7BdCJqyZGt1eGniCPoo1GgDSWCaYyMFlWEru
aG25XQnw4p2YucTz11UlfXjfoBlc5Rfm26AaLukaBkxl2zqwjyLKgVEmonZJSa1c
9f/J8gmgWfiFcict8tV0W/QzeNv9hjq4BU/26Ld1KOUhgKbRk3DjD29Gy0jAn6YS
UQIDAQAB
-----END PUBLIC KEY-----
)";
inline constexpr char kSpecKeyId[] = "JmzUd8RskjJMbRV3a2cbqUFjj84pRRqIHQvrvJmRMaQ";

}  // namespace awio::oidc::test_vectors
