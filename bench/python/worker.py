"""The Python-SDK comparison's worker and activities (see work_order_workflow.py). The activities make the same
TOP calls as bench/lib/baseline-activities.ts: one signed form POSTed to the gateway, kept-alive connections,
nothing around it. Reads TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, WORKER_MAX_CACHED_WORKFLOWS, TOP_GATEWAY_URL,
TOP_APP_KEY, TOP_APP_SECRET and TOP_SESSIONS_FILE (seller-a's session) like the Node workers, and
BENCH_PYTHON_UNSANDBOXED."""

import asyncio
import hashlib
import http.client
import json
import os
import signal
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from temporalio import activity
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from work_order_workflow import WorkOrderWorkflow

GATEWAY = urllib.parse.urlsplit(os.environ["TOP_GATEWAY_URL"])
APP_KEY = os.environ["TOP_APP_KEY"]
APP_SECRET = os.environ["TOP_APP_SECRET"]
with open(os.environ["TOP_SESSIONS_FILE"], encoding="utf-8") as sessions:
    SESSION = json.load(sessions)["seller-a"]
BEIJING = timezone(timedelta(hours=8))
connections = threading.local()


def top_time(at: float) -> str:
    return datetime.fromtimestamp(at, BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def call(method: str, business: dict[str, str], session: str | None = None) -> None:
    params = {"method": method, "app_key": APP_KEY, "timestamp": top_time(time.time()), "format": "json", "v": "2.0", "sign_method": "md5", **business}
    if session:
        params["session"] = session
    canonical = "".join(f"{name}{params[name]}" for name in sorted(params))
    params["sign"] = hashlib.md5(f"{APP_SECRET}{canonical}{APP_SECRET}".encode()).hexdigest().upper()
    if not hasattr(connections, "gateway"):
        connections.gateway = http.client.HTTPConnection(GATEWAY.hostname, GATEWAY.port)
    connections.gateway.request("POST", GATEWAY.path, urllib.parse.urlencode(params), {"content-type": "application/x-www-form-urlencoded;charset=UTF-8"})
    response = connections.gateway.getresponse()
    text = response.read().decode()
    if response.status != 200 or '"error_response"' in text:
        raise RuntimeError(f"{method}: {text}")


def work_order_id() -> str:
    return activity.info().workflow_id or activity.info().activity_id


@activity.defn(name="emitWorkOrderEvent")
def emit_work_order_event() -> None:
    wid = work_order_id()
    business = {"event_id": f"{wid}:{activity.info().activity_id}", "work_order_id": wid, "work_order_status": "CREATED", "ts": str(int(time.time() * 1000)), "ctx_data": json.dumps({"node": "created"})}
    call("taobao.bcpush.isv.event.emit", business, SESSION)


@activity.defn(name="updateIdentificationCase")
def update_identification_case() -> None:
    param = {"detail_order_id": 194467217119131, "refund_id": 147822831913191, "outer_case_id": work_order_id(), "operate_type": 1, "operate_tips": "创建鉴定工单", "occur_time": int(time.time())}
    call("taobao.rdc.aligenius.identification.case.update", {"param": json.dumps(param, ensure_ascii=False)}, SESSION)


@activity.defn(name="notifyAliMe")
def notify_alime() -> None:
    wid = work_order_id()
    command = {"async_code": f"ac-{wid}", "work_order_id": wid, "current_node": "node", "completed": False, "gmt_time": top_time(time.time())}
    call("taobao.alimi.workorder.progress.notify", {"work_order_notify_dxm_command": json.dumps(command)})


async def main() -> None:
    client = await Client.connect(os.environ["TEMPORAL_ADDRESS"])
    task_queue = os.environ.get("TEMPORAL_TASK_QUEUE", "bench-python")
    stop = asyncio.Event()
    for name in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(name, stop.set)
    with ThreadPoolExecutor(max_workers=64) as executor:
        worker = Worker(
            client,
            task_queue=task_queue,
            workflows=[WorkOrderWorkflow],
            activities=[emit_work_order_event, update_identification_case, notify_alime],
            activity_executor=executor,
            max_cached_workflows=int(os.environ.get("WORKER_MAX_CACHED_WORKFLOWS", "500")),
            graceful_shutdown_timeout=timedelta(seconds=2),
            # BENCH_PYTHON_UNSANDBOXED=1: without the SDK's sandbox (which re-imports the workflow's modules for
            # every workflow it creates), to see what the sandbox costs a replay.
            **({"workflow_runner": UnsandboxedWorkflowRunner()} if os.environ.get("BENCH_PYTHON_UNSANDBOXED") == "1" else {}),
        )
        async with worker:
            print(f"worker on task queue {task_queue}", flush=True)
            await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
