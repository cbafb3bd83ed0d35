"""A log write that fails (disk full, read-only home) is kept in memory and retried, not lost."""

from __future__ import annotations

import errno

from desktop.log_queue import LogQueue
from desktop.workers import Runner


def test_failed_log_write_is_kept_and_retried(qtbot) -> None:
    writer = Runner(1, "write-test")
    queue = LogQueue(writer)
    calls: list[dict] = []

    def flaky_write(question: str, *, at) -> str:
        calls.append({"question": question, "at": at})
        if len(calls) == 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return f"stored {question}"

    with qtbot.waitSignal(queue.waiting) as waiting:
        queue.submit(flaky_write, "Swiss region?")
    assert waiting.args[0] == 1 and "No space left" in waiting.args[1]
    assert queue.pending() == 1
    with qtbot.waitSignal(queue.saved) as saved:
        queue.retry()
    assert saved.args[0] == "stored Swiss region?" and queue.pending() == 0
    assert calls[0]["at"] == calls[1]["at"]  # the retry keeps the time it was asked
    writer.shutdown()
