# Tests of the aws model.
