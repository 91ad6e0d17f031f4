"""The sync state in the status bar (colour, symbol and words; "Sync now" on click) and the duplicates badge."""

import time
from collections.abc import Mapping

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QToolButton, QWidget

from checkin.domain.clock import time_for_people, utc_now
from checkin.sync.listener import DOWN, LIVE, NOT_OFFERED
from ui.base.context import DeskContext
from ui.base.theme import palette_in_use
from ui.conflicts.view import DuplicatesView, duplicates_label
from ui.sync.service import SyncService, SyncState, describe_round

#: (symbol, ink, background) colour roles for each state: never colour alone (online and offline differ in
#: shape too, for those who cannot tell green from red). Without a hub, no background.
ONLINE = ("●", "admitted", "online_wash")
OFFLINE = ("⚠", "refused", "offline_wash")
CONNECTING = ("◌", "neutral", "quiet")
NO_HUB = ("○", "ink_muted", "")

_BUTTON_STYLE = (
    "QToolButton {{ color: {ink}; background: {background}; border: 1px solid {border};"
    " border-radius: 11px; padding: 2px 12px; font-weight: bold; }}"
    "QToolButton:hover {{ border-color: {ink}; }}"
    "QToolButton::menu-indicator {{ image: none; width: 0; }}"
)


def _style(button: QToolButton, look: tuple[str, str, str]) -> None:
    _symbol, ink, background = look
    border = palette_in_use().frame if background == "transparent" else background
    button.setStyleSheet(_BUTTON_STYLE.format(ink=ink, background=background, border=border))


def _in_colours(look: tuple[str, str, str]) -> tuple[str, str, str]:
    """A state's look with its roles as the colours of the theme in use."""
    symbol, ink, background = look
    colours = palette_in_use()
    return symbol, colours.role(ink), colours.role(background) if background else "transparent"


def _changes(count: int) -> str:
    return "1 change" if count == 1 else f"{count:,} changes"


def status_words(state: SyncState, now: float | None = None) -> tuple[str, tuple[str, str, str]]:
    """The indicator's text and look (symbol, ink, background colours) for a state (the words alone say
    it all)."""
    text, look = _status(state, now)
    return text, _in_colours(look)


def _status(state: SyncState, now: float | None) -> tuple[str, tuple[str, str, str]]:
    if not state.hub:
        return "○ No hub (this desk works alone)", NO_HUB
    if state.stopped:
        return "○ Sync paused", NO_HUB
    if state.online:
        if state.pending or (state.running and state.receiving):
            doing = [f"sending {_changes(state.pending)}"] if state.pending else []
            doing += ["receiving"] if state.running and state.receiving else []
            return f"● Catching up — {' and '.join(doing)}", ONLINE
        if state.hearing.state == LIVE:
            return "● Live", ONLINE
        return f"● Online — checking every {state.poll_every_s} s", ONLINE
    if state.online is None:
        return "◌ Connecting to the hub…", CONNECTING
    waiting = f"{_changes(state.pending)} waiting" if state.pending else "nothing waiting"
    since = f" since {time_for_people(state.offline_since, utc_now())}" if state.offline_since else ""
    if state.running:
        return f"⚠ Offline{since} — {waiting} (trying now…)", OFFLINE
    seconds = max(0, round((state.retry_at or 0) - (now if now is not None else time.monotonic())))
    return f"⚠ Offline{since} — {waiting} (retrying in {seconds} s)", OFFLINE


def status_tooltip(state: SyncState) -> str:
    if not state.hub:
        return "No hub is set: this desk keeps its own record. Set one in Settings (F10) → Hub."
    lines = [f"Hub: {state.hub}  (the password is never shown)"]
    if state.last_synced is not None:
        done = describe_round(state.last_report)
        lines.append(
            f"Last sync: {time_for_people(state.last_synced, utc_now(), seconds=True)}"
            + (f" ({done})" if done else "")
        )
    else:
        lines.append("Not synced yet since the desk started.")
    lines.append(f"Waiting to be sent: {_changes(state.pending)}")
    lines.append(_live_line(state))
    if state.error:
        lines.append(f"Last problem: {state.error}")
    lines.append("Scans never wait for the hub. Click for “Sync now”.")
    return "\n".join(lines)


def _live_line(state: SyncState) -> str:
    hearing = state.hearing
    if hearing.state == LIVE:
        return "Live: other desks' scans arrive as soon as they are sent."
    if hearing.state == DOWN and hearing.since is not None:
        return (
            f"Live updates are off since {time_for_people(hearing.since, utc_now())}: checking the hub"
            f" every {state.poll_every_s} s until they are back."
        )
    if hearing.state == NOT_OFFERED:
        return (
            "This hub does not send live updates yet: run “checkin hub init” once from a desk with this"
            f" version to turn them on. Until then this desk checks every {state.poll_every_s} s."
        )
    return f"Connecting for live updates; checking the hub every {state.poll_every_s} s meanwhile."


class SyncIndicator(QToolButton):
    """Permanent status-bar widget; clicking offers "Sync now" and the hub settings."""

    def __init__(self, service: SyncService, open_settings, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.service = service
        self.setObjectName("syncIndicator")
        self.setAutoRaise(True)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        self.sync_now_action = QAction(self.tr("Sync now"), self)
        self.sync_now_action.triggered.connect(service.retry_now)
        settings_action = QAction(self.tr("Hub settings… (F10)"), self)
        settings_action.triggered.connect(open_settings)
        menu.addAction(self.sync_now_action)
        menu.addAction(settings_action)
        self.setMenu(menu)
        self._tick = QTimer(self)  # the "retrying in N s" countdown
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.show_state)
        service.state_changed.connect(self.show_state)
        self.show_state()

    def show_state(self) -> None:
        state = self.service.state
        text, look = status_words(state)
        if text != self.text():
            self.setText(text)
            _style(self, look)
        self.setToolTip(status_tooltip(state))
        self.setAccessibleName(text)
        self.sync_now_action.setEnabled(bool(state.hub) and not state.stopped)
        offline = state.online is False and not state.stopped
        if offline and not self._tick.isActive():
            self._tick.start()
        elif not offline:
            self._tick.stop()


class DuplicatesBadge(QToolButton):
    """ "⚠ 2 duplicates" in the status bar while any exist; clicking opens the Duplicates view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicatesBadge")
        self.setAutoRaise(True)
        self.setStyleSheet(
            palette_in_use().sheet(
                "QToolButton { background: $alarm; color: $on_colour; font-weight: bold; border-radius: 11px;"
                " padding: 2px 12px; border: none; }"
            )
        )
        self.setToolTip(
            self.tr("People admitted at two desks that could not see each other: click to see them.")
        )
        self.set_count(0)

    def set_count(self, count: int) -> None:
        self.setText(f"⚠ {duplicates_label(count)}")
        self.setAccessibleName(self.text())
        self.setVisible(count > 0)


def install_sync(
    window: QMainWindow,
    context: DeskContext,
    **service_options,  # noqa: ANN003
) -> tuple[SyncService, SyncIndicator, DuplicatesBadge]:
    """Give the window its background sync, the status indicator and the duplicates badge; start syncing.
    Returns all three, for the window to keep."""
    service = SyncService(context, window, **service_options)
    views: Mapping[str, QWidget] = getattr(window, "views", {})
    show_view = getattr(window, "show_view", None)
    bar = window.statusBar()
    badge = DuplicatesBadge(window)
    duplicates = views.get("Duplicates")
    if isinstance(duplicates, DuplicatesView):
        duplicates.count_changed.connect(badge.set_count)
        if show_view is not None:
            badge.clicked.connect(lambda: show_view("Duplicates"))
    bar.addPermanentWidget(badge)
    indicator = SyncIndicator(
        service,
        lambda: show_view("Settings") if show_view is not None and "Settings" in views else None,
        window,
    )
    bar.addPermanentWidget(indicator)
    service.start()
    return service, indicator, badge
