# aws clients: SigV4, S3, STS, credentials (library awio_aws_client).
