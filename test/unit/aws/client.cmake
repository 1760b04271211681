# Tests of the aws clients.
