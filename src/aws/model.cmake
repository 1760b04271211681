# aws model: names, trust policies, ACK objects (library awio_aws).
