"""Counting what a person does on the phone during a journey: taps and typed fields.

Every tap, click, box ticked or choice in a list counts one tap; typing into a field counts one
typed field (the tap that puts the cursor there is part of typing, not a tap). Pages opened by
the test itself (the app launched, a link followed from an email) are written down as such and
are not taps. The journey's page loads are counted too.

The test acts only through a ``Taps`` (``tap``, ``check``, ``select``, ``type``); reading the page
and waiting stay plain Playwright. As a cross-check, the page counts in the browser the pointer
presses it really received (kept in sessionStorage across page loads): they must equal the taps
made by pressing (all but choices in a list, which Playwright sets without a pointer).
"""

from __future__ import annotations

from dataclasses import dataclass, field

POINTER_COUNTER = """
addEventListener("pointerdown", event => {
  if (!event.isPrimary) return;
  const n = Number(sessionStorage.getItem("e2e:presses") || "0") + 1;
  sessionStorage.setItem("e2e:presses", String(n));
}, true);
"""


@dataclass
class Step:
    kind: str  # "tap", "type" or "open"
    what: str


@dataclass
class Taps:
    page: object
    journey: str
    steps: list[Step] = field(default_factory=list)
    loads: int = 0
    _selects: int = 0

    def __post_init__(self):
        self.page.context.add_init_script(POINTER_COUNTER)
        self.page.on("framenavigated", self._navigated)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.loads += 1

    # --- what the person does -----------------------------------------------------------------

    def open(self, path: str, what: str) -> None:
        """The app opened at ``path`` (launched, or a link from an email): not a tap."""
        self.steps.append(Step("open", what))
        self.page.goto(path)

    def tap(self, locator, what: str, *, navigates: bool = False) -> None:
        self.steps.append(Step("tap", what))
        if navigates:
            with self.page.expect_navigation():
                locator.tap()
        else:
            locator.tap()

    def check(self, locator, what: str) -> None:
        """Tick a box or choose a radio button: one tap."""
        self.steps.append(Step("tap", what))
        locator.check()

    def select(self, locator, value: str, what: str) -> None:
        """A choice in a list: one tap (Playwright sets it without pressing)."""
        self.steps.append(Step("tap", what))
        self._selects += 1
        locator.select_option(value)

    def type(self, locator, text: str, what: str) -> None:
        self.steps.append(Step("type", what))
        locator.fill(text)

    # --- the counts ---------------------------------------------------------------------------

    @property
    def taps(self) -> int:
        return sum(step.kind == "tap" for step in self.steps)

    @property
    def typed(self) -> int:
        return sum(step.kind == "type" for step in self.steps)

    def mark(self) -> int:
        """The number of taps so far, to count those of a part of the journey."""
        return self.taps

    def presses(self) -> int:
        """Pointer presses the browser received in this tab since the journey began."""
        return int(self.page.evaluate("Number(sessionStorage.getItem('e2e:presses') || '0')"))

    def assert_all_counted(self) -> None:
        pressed = self.taps - self._selects
        assert self.presses() == pressed, (
            f"{self.journey}: the phone was pressed {self.presses()} times, the test counted {pressed}")

    def report(self) -> str:
        lines = [f"{self.journey}: {self.taps} taps, {self.typed} typed fields, {self.loads} page loads"]
        n = 0
        for step in self.steps:
            if step.kind == "tap":
                n += 1
                lines.append(f"  tap {n:2}  {step.what}")
            elif step.kind == "type":
                lines.append(f"  typed    {step.what}")
            else:
                lines.append(f"  opened   {step.what}")
        text = "\n".join(lines)
        print("\n" + text)
        return text
