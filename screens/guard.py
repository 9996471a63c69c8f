"""A bug in a timer, worker or refresh is logged; the kiosk never drops to the shell.

Textual ends the app on any unhandled exception (``App._handle_exception``: "Always
results in the app exiting"): in a timer callback, a worker started with
``exit_on_error=True`` (``@work``'s default), a ``call_from_thread`` callback (its
exception is raised in the worker), a message handler. A kiosk in a lobby must
carry on instead (issue 11). ``KeepRunning`` is the kiosk app's one place for that:

- the exception is logged at ERROR with its traceback (the journal on a Pi), and
  counted in ``background_errors``;
- the current screen carries on. A handler that raised has stopped its widget's
  or screen's message loop for good (Textual), so if a screen in the stack stopped
  or lost a widget that way, everything above the home screen is closed, and a
  stopped home screen is replaced by a new one;
- the app's own handlers (keys, lane buttons, scans) are guarded too: Textual would
  stop the app's message loop after them, which ends the app.

Only ``Exception``: ``SystemExit``, ``KeyboardInterrupt`` and cancellation pass
through untouched, and the staff menu's restart/shut down/close end the app with
``App.exit`` as before. Before the app is running (start-up: CSS, first mount)
Textual's own handling stays: a kiosk that cannot draw its first screen should
end, and systemd starts it again. Tests fail on any such log they did not expect
(tests/conftest.py, ``kiosk_errors``).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from textual._context import active_message_pump
from textual.app import App
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import WorkerFailed

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from textual.dom import DOMNode
    from textual.message import Message
    from textual.message_pump import MessagePump

log = logging.getLogger(__name__)
RECOVER_S = 0.1


class KeepRunning(App[Any]):
    """Mixed into the kiosk app (``class KioskApp(KeepRunning)``)."""

    background_errors = 0  # logged and survived, since the app started
    # Nothing in a lobby is there to be copied, and Textual 8's text selection fails on a
    # press landing on a widget as it is removed (its parent already gone; a seeded
    # monkey found it, tests/test_monkey.py): with selection off that path never runs.
    ALLOW_SELECT = False

    def _handle_exception(self, error: Exception) -> None:
        if not (self._running and self._is_mounted):
            super()._handle_exception(error)  # start-up: Textual's way (prints, ends)
            return
        try:
            pump: MessagePump | None = active_message_pump.get()
        except LookupError:
            pump = None
        cause = error.error if isinstance(error, WorkerFailed) else error
        self.background_errors += 1
        where = "a worker" if isinstance(error, WorkerFailed) else type(pump).__name__
        log.error("kept running after an error in %s: %s: %s", where, type(cause).__name__,
                  cause, exc_info=(type(cause), cause, cause.__traceback__))
        if isinstance(pump, Widget) and not isinstance(error, WorkerFailed) and not self._exit:
            try:
                screen = pump.screen
            except Exception:  # already off the screen: nothing on show is broken
                return
            # A handler that raised stops its widget's loop once this returns: look then.
            self.set_timer(RECOVER_S, partial(self._recover, pump, screen))

    async def _dispatch_message(self, message: Message) -> None:
        await _guarded(self, super()._dispatch_message, message)

    def _register(self, parent: DOMNode, *widgets: Widget, **where: Any) -> list[Widget]:
        for widget in widgets:  # the kiosk's handlers run in its screens' loops
            if isinstance(widget, Screen) and "_dispatch_message" not in vars(widget):
                widget._dispatch_message = partial(_guarded, widget, widget._dispatch_message)
        return super()._register(parent, *widgets, **where)

    def _recover(self, pump: Widget, screen: Screen) -> None:
        """``pump`` raised on ``screen``: if that stopped it, leave the broken screen."""
        if pump.is_running or pump._pruning or screen not in self.screen_stack:
            return  # a timer or idle callback: it carries on; or it was closed anyway
        from screens.home import HomeScreen

        home = self.screen_stack.index(screen) == 1  # [0] is Textual's blank default screen
        log.warning("%s stopped after the error: back to %s home screen",
                    type(screen).__name__, "a new" if home else "the")
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if home:
            self.switch_screen(HomeScreen())
        elif isinstance(self.screen, HomeScreen):
            self.screen.refresh_status()


async def _guarded(pump: App | Screen, dispatch: Callable[[Message], Awaitable[None]],
                   message: Message) -> None:
    """``dispatch`` for the app or a screen: a handler's exception goes to the guard,
    instead of stopping the message loop (Textual's way: the end of that screen, or of
    the app). Not while starting: a screen or app that failed to compose stays failed."""
    if not (pump._running and pump._is_mounted):
        await dispatch(message)
        return
    try:
        await dispatch(message)
    except Exception as error:
        pump.app._handle_exception(error)
