"""Counting what people do in the browser journey (issue 18's acceptance: clicks before and
after, and refused actions on the happy path).

A *click* is one activation a person makes: a click on a link or button, ticking a radio
button or checkbox, choosing an option from a list, a key that submits or selects (Enter,
Space), and typing an address (`goto`). Typing text into a field is counted apart, as a
*field*; logging in is not counted (it is the same before and after). The counter wraps the
public methods of Playwright's `Locator`, `Keyboard` and `Page` for one test."""

import contextlib
import dataclasses

ACTIVATIONS = {
    "Locator": ("click", "check", "select_option", "set_checked", "press"),
    "Keyboard": ("press",),
    "Page": ("goto",),
}
TYPING = {"Locator": ("fill",)}


@dataclasses.dataclass
class Clicks:
    clicks: int = 0
    fields: int = 0
    refused: int = 0
    counting: bool = True

    @contextlib.contextmanager
    def paused(self):
        """Not counted: logging in."""
        before, self.counting = self.counting, False
        try:
            yield
        finally:
            self.counting = before

    def refusal(self):
        """A refused action: the person did something the application turned down."""
        self.refused += 1

    def summary(self) -> str:
        return f"{self.clicks} klikken, {self.fields} velden, {self.refused} geweigerd"


def count_clicks(monkeypatch) -> Clicks:
    import playwright.sync_api as api

    counter = Clicks()

    def wrap(cls, name, kind):
        original = getattr(cls, name)

        def counted(self, *args, **kwargs):
            if counter.counting:
                setattr(counter, kind, getattr(counter, kind) + 1)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, counted)

    for cls_name, names in ACTIVATIONS.items():
        for name in names:
            wrap(getattr(api, cls_name), name, "clicks")
    for cls_name, names in TYPING.items():
        for name in names:
            wrap(getattr(api, cls_name), name, "fields")
    return counter
