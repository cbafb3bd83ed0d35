"""Background tasks: results come back on the GUI thread, errors are reported, nothing lingers."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QThreadPool

from desktop.workers import Runner, Task, TaskSignals, serial_pool


def test_results_arrive_on_the_gui_thread_and_tasks_are_released(qtbot) -> None:
    runner = Runner(QThreadPool.globalInstance())
    results: list[tuple[int, bool]] = []
    for n in range(300):
        runner.submit(
            lambda n=n: (n, threading.current_thread() is threading.main_thread()),
            on_done=lambda r: results.append((r[0], threading.current_thread() is threading.main_thread())),
        )
    qtbot.waitUntil(lambda: len(results) == 300)
    assert sorted(n for n, _ in results) == list(range(300))
    assert all(on_gui for _, on_gui in results)
    qtbot.waitUntil(lambda: runner.pool.activeThreadCount() == 0)
    qtbot.wait(0)  # let deleteLater run
    gc.collect()
    assert sum(isinstance(o, (Task, TaskSignals)) for o in gc.get_objects()) < 10


def test_errors_are_reported_and_the_writer_is_serial(qtbot) -> None:
    runner = Runner(serial_pool())
    errors: list[str] = []
    order: list[int] = []
    runner.submit(lambda: 1 / 0, on_failed=errors.append)
    for n in range(20):
        runner.submit(lambda n=n: order.append(n))
    qtbot.waitUntil(lambda: len(order) == 20 and bool(errors))
    assert order == list(range(20)) and "ZeroDivisionError" in errors[0]
    assert runner.pool.maxThreadCount() == 1
