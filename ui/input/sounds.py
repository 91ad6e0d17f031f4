"""The desk's sounds: one short sound per kind of outcome, so staff hear the answer without looking up.

Admitted is a rising chime, amber outcomes a neutral double beep, red ones a low buzz (the WAV files are
made by `resources/sounds/make_sounds.py`). A desk with no working audio device stays silent and keeps
going: playing never raises and never waits.
"""

import logging
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtMultimedia import QSoundEffect

from checkin.domain.decide import Outcome, OutcomeCode
from checkin.resources import resource_path
from checkin.settings import Settings

log = logging.getLogger(__name__)


class SoundFamily(StrEnum):
    ADMITTED = "admitted"
    WARNING = "warning"  # amber: the person may still go in, but someone should look
    REFUSED = "refused"  # red: not admitted


FAMILY_OF = {
    OutcomeCode.ADMITTED: SoundFamily.ADMITTED,
    OutcomeCode.ALREADY_CHECKED_IN: SoundFamily.WARNING,
    OutcomeCode.WRONG_SESSION: SoundFamily.WARNING,
    OutcomeCode.NOT_TODAY: SoundFamily.WARNING,
    OutcomeCode.CANCELLED: SoundFamily.REFUSED,
    OutcomeCode.NOT_FOUND: SoundFamily.REFUSED,
    OutcomeCode.INVALID_CODE: SoundFamily.REFUSED,
    OutcomeCode.NEEDS_UPDATE: SoundFamily.REFUSED,
    OutcomeCode.NOT_CONFIRMED: SoundFamily.WARNING,
    OutcomeCode.REVOKED: SoundFamily.REFUSED,
}


def sound_file(family: SoundFamily) -> Path:
    return resource_path("sounds", f"{family.value}.wav")


class SoundPlayer(Protocol):
    def play(self, family: SoundFamily) -> None: ...


class EffectPlayer:
    """Plays the sounds through `QSoundEffect`s, each file loaded once, ahead of the first scan."""

    def __init__(self, parent: QObject | None = None, volume: float = 0.8) -> None:
        self.effects: dict[SoundFamily, QSoundEffect] = {}
        for family in SoundFamily:
            effect = QSoundEffect(parent)
            effect.setSource(QUrl.fromLocalFile(str(sound_file(family))))
            effect.setVolume(volume)
            self.effects[family] = effect

    def play(self, family: SoundFamily) -> None:
        effect = self.effects[family]
        if effect.status() == QSoundEffect.Status.Error:
            return  # no audio device, or the file would not load: the panel still says it all
        effect.stop()  # the same sound twice in quick succession starts again rather than being swallowed
        effect.play()


class OutcomeSounds(QObject):
    """Connect `play_outcome` to a view's `outcome_shown`; it plays only while the `sounds` setting is on."""

    def __init__(
        self, settings: Settings, player: SoundPlayer | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.player: SoundPlayer = player if player is not None else EffectPlayer(self)

    @Slot(object)
    def play_outcome(self, outcome: Outcome) -> None:
        if not self.settings.get("sounds"):
            return
        try:
            self.player.play(FAMILY_OF[outcome.code])
        except Exception:  # a sound is a courtesy: it must never stop the desk
            log.warning("could not play the sound for %s", outcome.code, exc_info=True)
