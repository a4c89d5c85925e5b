# slipway's machine-readable Ansible callback: alongside the normal screen output, it appends one JSON
# object per event to the file named by SLIPWAY_EVENTS, so slipway can report failures per host and task
# and the recap counts without parsing human output. Works with ansible-core alone (no collections).
from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
    name: slipway_events
    type: notification
    short_description: JSON lines of task results and the recap, for slipway
    description:
      - Appends one JSON object per task result and one for the play recap to the file in SLIPWAY_EVENTS.
    requirements:
      - the SLIPWAY_EVENTS environment variable names the output file
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "slipway_events"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._path = os.environ.get("SLIPWAY_EVENTS")

    def _emit(self, event):
        if not self._path:
            return
        with open(self._path, "a", encoding="utf-8") as out:
            out.write(json.dumps(event, default=str) + "\n")

    def _result(self, status, result, **more):
        r = result._result
        message = r.get("msg") or r.get("stderr") or r.get("reason") or ""
        if not message and r.get("results"):
            # A loop: the first failed item's message.
            failed = [i for i in r["results"] if isinstance(i, dict) and i.get("failed")]
            if failed:
                message = failed[0].get("msg") or failed[0].get("stderr") or ""
        self._emit(
            {
                "event": status,
                "host": result._host.get_name(),
                "task": result._task.get_name(),
                "action": result._task.action,
                "changed": bool(r.get("changed")),
                "message": str(message),
                "rc": r.get("rc"),
                **more,
            }
        )

    def v2_playbook_on_play_start(self, play):
        self._emit({"event": "play", "name": play.get_name()})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._emit({"event": "task", "task": task.get_name()})

    def v2_runner_on_ok(self, result):
        self._result("ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result("failed", result, ignored=bool(ignore_errors))

    def v2_runner_on_unreachable(self, result):
        self._result("unreachable", result)

    def v2_runner_on_skipped(self, result):
        self._result("skipped", result)

    def v2_playbook_on_stats(self, stats):
        hosts = sorted(stats.processed.keys())
        self._emit(
            {
                "event": "recap",
                "hosts": {h: stats.summarize(h) for h in hosts},
            }
        )
