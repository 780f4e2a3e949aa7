#!/usr/bin/python3
# ctr-update.py SOCKET NAMESPACE ID RESOURCES_JSON - containerd's Tasks.Update for a live task, the
# call Kubernetes makes (CRI UpdateContainerResources) and ctr 1.6 has no command for. The shim
# hands RESOURCES_JSON (an OCI LinuxResources) to the runtime's `update --resources`.
# The two messages are encoded by hand: UpdateTaskRequest{1: container_id, 2: Any{1: type_url,
# 2: value}}; containerd carries runtime-spec types in an Any as JSON.
import sys
import grpc


def field(num, data):
    """A length-delimited protobuf field (wire type 2)."""
    key = num << 3 | 2
    out = bytearray([key])
    n = len(data)
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            break
    return bytes(out) + data


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: ctr-update.py SOCKET NAMESPACE ID RESOURCES_JSON")
    sock, ns, cid, res = sys.argv[1:]
    url = b"types.containerd.io/opencontainers/runtime-spec/1/LinuxResources"
    req = field(1, cid.encode()) + field(2, field(1, url) + field(2, res.encode()))
    with grpc.insecure_channel("unix://" + sock) as ch:
        update = ch.unary_unary("/containerd.services.tasks.v1.Tasks/Update",
                                request_serializer=lambda b: b,
                                response_deserializer=lambda b: b)
        try:
            update(req, metadata=[("containerd-namespace", ns)], timeout=60)
        except grpc.RpcError as e:
            sys.exit("ctr-update: %s" % e.details())


main()
