"""The Python-SDK comparison for benchmark 6: the baseline work order (bench/lib/baseline-work-order.ts) written
as a user of the Python SDK would write it. Same workflow name, messages and activity calls in the same order,
so the same WorkOrderClient drives it. Workflow code only: it runs in the SDK's sandbox."""

from datetime import timedelta
from typing import Any, Optional

from temporalio import workflow
from temporalio.common import SearchAttributeKey

WORK_ORDER_STATUS = SearchAttributeKey.for_keyword("WorkOrderStatus")
ACTIVITY_TIMEOUT = timedelta(seconds=30)


@workflow.defn(name="workOrderWorkflow")
class WorkOrderWorkflow:
    @workflow.init
    def __init__(self, input: dict[str, Any]) -> None:
        alime = input.get("alime") or {}
        self.view: dict[str, Any] = {
            "workOrderId": input["workOrderId"],
            "status": "opening",
            "currentNode": alime.get("firstNode", "created"),
            "progressReceived": 0,
        }
        self.inbox: list[dict[str, Any]] = []
        self.ending: Optional[str] = None

    def _accept(self, report: dict[str, Any]) -> dict[str, Any]:
        self.inbox.append(report)
        self.view["progressReceived"] += 1
        return {"accepted": True, "progressReceived": self.view["progressReceived"]}

    @workflow.update(name="reportProgress")
    def report_progress(self, report: dict[str, Any]) -> dict[str, Any]:
        return self._accept(report)

    @report_progress.validator
    def validate_report(self, report: dict[str, Any]) -> None:
        if not isinstance(report.get("progressId"), str) or not isinstance(report.get("node"), str):
            raise ValueError("invalid progress report")

    @workflow.signal(name="progress")
    def progress(self, report: dict[str, Any]) -> None:
        self._accept(report)

    @workflow.signal(name="complete")
    def complete(self, done: dict[str, Any]) -> None:
        if self.ending is None:
            self.ending = done.get("finalNode") or "completed"

    @workflow.signal(name="cancel")
    def cancel(self, _request: Any) -> None:
        if self.ending is None:
            self.ending = "cancelled"

    @workflow.signal(name="retry")
    def retry(self) -> None:
        pass

    @workflow.query(name="status")
    def status(self) -> dict[str, Any]:
        return self.view

    async def _call(self, activity: str) -> None:
        await workflow.execute_activity(activity, start_to_close_timeout=ACTIVITY_TIMEOUT)

    @workflow.run
    async def run(self, input: dict[str, Any]) -> dict[str, Any]:
        await self._call("emitWorkOrderEvent")
        if input.get("identification"):
            await self._call("updateIdentificationCase")
        if input.get("alime"):
            await self._call("notifyAliMe")
        self.view["status"] = "open"
        workflow.upsert_search_attributes([WORK_ORDER_STATUS.value_set("open")])
        while True:
            await workflow.wait_condition(lambda: len(self.inbox) > 0 or self.ending is not None)
            if not self.inbox:
                break
            self.view["currentNode"] = self.inbox.pop(0)["node"]
            if input.get("alime"):
                await self._call("notifyAliMe")
        if input.get("alime"):
            await self._call("notifyAliMe")
        if input.get("identification"):
            await self._call("updateIdentificationCase")
        await self._call("emitWorkOrderEvent")
        self.view["status"] = "cancelled" if self.ending == "cancelled" else "completed"
        return self.view
