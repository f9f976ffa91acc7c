"""Progress lines when output is not a terminal: at the start, every 5 % of the work
or every 30 s, and at the end, with done/failed/pending, elapsed time and an ETA."""

import io

from sim.experiments.progress import Progress, format_seconds


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_plain_lines_every_five_percent_with_counts_and_eta():
    out, clock = io.StringIO(), FakeClock()
    with Progress(100, "sweep demo", stream=out, interactive=False, clock=clock) as bar:
        for i in range(100):
            clock.now += 1.0
            bar.update(1, failed=1 if i == 0 else 0)
    lines = out.getvalue().splitlines()
    assert lines[0] == "sweep demo: 0/100 runs done (0 failed, 100 pending), 0%, elapsed 0:00, ETA unknown"
    assert len(lines) == 1 + 20  # the start, then every 5 runs
    assert lines[1] == "sweep demo: 5/100 runs done (1 failed, 95 pending), 5%, elapsed 0:05, ETA 1:35"
    assert lines[-1].startswith("sweep demo: 100/100 runs done (1 failed, 0 pending), 100%, elapsed 1:40, ETA 0:00")


def test_a_line_every_thirty_seconds_even_without_progress():
    out, clock = io.StringIO(), FakeClock()
    bar = Progress(1000, "slow", stream=out, interactive=False, clock=clock)
    clock.now = 29.0
    bar.tick()
    assert len(out.getvalue().splitlines()) == 1
    clock.now = 30.0
    bar.tick()
    assert len(out.getvalue().splitlines()) == 2
    clock.now = 45.0
    bar.update(1)  # not 5 % yet, only 15 s since the last line
    assert len(out.getvalue().splitlines()) == 2
    clock.now = 61.0
    bar.update(1)
    assert out.getvalue().splitlines()[-1].startswith("slow: 2/1000 runs done")


def test_close_writes_the_final_count_of_unfinished_work_once():
    out, clock = io.StringIO(), FakeClock()
    bar = Progress(10, "cut", stream=out, interactive=False, clock=clock)
    bar.update(3)
    bar.close()
    bar.close()
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("cut: 3/10 runs done (0 failed, 7 pending)")
    assert sum("3/10" in line for line in lines) == 1


def test_quiet_writes_nothing():
    out = io.StringIO()
    with Progress(10, "q", stream=out, interactive=False, quiet=True) as bar:
        bar.update(10)
    assert out.getvalue() == ""


def test_format_seconds():
    assert format_seconds(5) == "0:05"
    assert format_seconds(3725) == "1:02:05"
