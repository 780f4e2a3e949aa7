#!/usr/bin/python3
"""cri.py - a small Kubernetes CRI v1 client for tests/cri.bats: one RPC per command, the way
kubelet calls them, against containerd's CRI plugin on $CRI_SOCK.

Requests are read from JSON files (the CRI messages in protobuf's JSON mapping: field names as in
tests/cri/api.proto, enums by name); replies are printed as JSON with the same names (int64s are
strings there, as protobuf's JSON mapping has them) or, for ids, as a plain line. A failed RPC prints
"cri.py: CODE: details" on stderr and exits 125.

The modules api_pb2 and api_pb2_grpc are generated from tests/cri/api.proto by the test into
$CRI_PY (python3 -m grpc_tools.protoc, Debian's python3-grpc-tools; its generated code loads with
Debian's python3-protobuf).

    runp POD.json [HANDLER]           RunPodSandbox; prints the sandbox id
    stopp ID | rmp ID                 StopPodSandbox | RemovePodSandbox
    inspectp ID                       PodSandboxStatus, verbose: {"status":..., "info":...}
    create POD_ID CTR.json POD.json   CreateContainer; prints the container id
    start ID | rm ID                  StartContainer | RemoveContainer
    stop ID TIMEOUT                   StopContainer with a grace period of TIMEOUT seconds
    inspect ID                        ContainerStatus, verbose: {"status":..., "info":...}
    ps [POD_ID]                       ListContainers: {"containers": [...]}
    exec-sync [--timeout N] ID CMD... ExecSync: the command's stdout, stderr and exit code
    update ID RESOURCES.json          UpdateContainerResources (a LinuxContainerResources)
    reopen-log ID                     ReopenContainerLog
    stats ID                          ContainerStats
    image-status REF                  ImageStatus; prints the image id (exit 1 if absent)
    version                           Version
"""
import json
import os
import sys

sys.path.insert(0, os.environ.get("CRI_PY", "."))

import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402

import api_pb2 as api  # noqa: E402
import api_pb2_grpc  # noqa: E402

# No call may hang the suite; ExecSync's own timeout is added to it.
TIMEOUT = float(os.environ.get("CRI_TIMEOUT", "120"))


def load(path, message):
    with open(path) as f:
        return json_format.ParseDict(json.load(f), message)


def show(message, info=None):
    out = json_format.MessageToDict(message, preserving_proto_field_name=True,
                                    including_default_value_fields=True)
    if info is not None:
        # verbose replies carry JSON documents as strings: show them as JSON
        out = {"status": out["status"], "info": {}}
        for k, v in info.items():
            try:
                out["info"][k] = json.loads(v)
            except ValueError:
                out["info"][k] = v
    print(json.dumps(out, indent=1, sort_keys=True))


def main(argv):
    if len(argv) < 1:
        sys.exit(__doc__)
    channel = grpc.insecure_channel("unix://" + os.environ["CRI_SOCK"])
    rt = api_pb2_grpc.RuntimeServiceStub(channel)
    img = api_pb2_grpc.ImageServiceStub(channel)
    cmd, args = argv[0], argv[1:]
    t = TIMEOUT

    if cmd == "version":
        show(rt.Version(api.VersionRequest(version="v1"), timeout=t))
    elif cmd == "runp":
        req = api.RunPodSandboxRequest(config=load(args[0], api.PodSandboxConfig()),
                                       runtime_handler=args[1] if len(args) > 1 else "")
        print(rt.RunPodSandbox(req, timeout=t).pod_sandbox_id)
    elif cmd == "stopp":
        rt.StopPodSandbox(api.StopPodSandboxRequest(pod_sandbox_id=args[0]), timeout=t)
    elif cmd == "rmp":
        rt.RemovePodSandbox(api.RemovePodSandboxRequest(pod_sandbox_id=args[0]), timeout=t)
    elif cmd == "inspectp":
        r = rt.PodSandboxStatus(api.PodSandboxStatusRequest(pod_sandbox_id=args[0], verbose=True),
                                timeout=t)
        show(r, r.info)
    elif cmd == "create":
        req = api.CreateContainerRequest(pod_sandbox_id=args[0],
                                         config=load(args[1], api.ContainerConfig()),
                                         sandbox_config=load(args[2], api.PodSandboxConfig()))
        print(rt.CreateContainer(req, timeout=t).container_id)
    elif cmd == "start":
        rt.StartContainer(api.StartContainerRequest(container_id=args[0]), timeout=t)
    elif cmd == "stop":
        rt.StopContainer(api.StopContainerRequest(container_id=args[0], timeout=int(args[1])),
                         timeout=t + int(args[1]))
    elif cmd == "rm":
        rt.RemoveContainer(api.RemoveContainerRequest(container_id=args[0]), timeout=t)
    elif cmd == "inspect":
        r = rt.ContainerStatus(api.ContainerStatusRequest(container_id=args[0], verbose=True),
                               timeout=t)
        show(r, r.info)
    elif cmd == "ps":
        f = api.ContainerFilter(pod_sandbox_id=args[0] if args else "")
        show(rt.ListContainers(api.ListContainersRequest(filter=f), timeout=t))
    elif cmd == "exec-sync":
        secs = 0
        if args[0] == "--timeout":
            secs, args = int(args[1]), args[2:]
        r = rt.ExecSync(api.ExecSyncRequest(container_id=args[0], cmd=args[1:], timeout=secs),
                        timeout=t + secs)
        sys.stdout.buffer.write(r.stdout)
        sys.stderr.buffer.write(r.stderr)
        return r.exit_code
    elif cmd == "update":
        req = api.UpdateContainerResourcesRequest(
            container_id=args[0], linux=load(args[1], api.LinuxContainerResources()))
        rt.UpdateContainerResources(req, timeout=t)
    elif cmd == "reopen-log":
        rt.ReopenContainerLog(api.ReopenContainerLogRequest(container_id=args[0]), timeout=t)
    elif cmd == "stats":
        show(rt.ContainerStats(api.ContainerStatsRequest(container_id=args[0]), timeout=t))
    elif cmd == "image-status":
        r = img.ImageStatus(api.ImageStatusRequest(image=api.ImageSpec(image=args[0])), timeout=t)
        if not r.image.id:
            return 1
        print(r.image.id)
    else:
        sys.exit("cri.py: unknown command " + cmd)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except grpc.RpcError as e:
        print("cri.py: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
        sys.exit(125)
