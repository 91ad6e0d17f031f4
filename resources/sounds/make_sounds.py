"""Generates the desk's three outcome sounds as 16-bit mono 44.1 kHz WAV files next to this script.

Run once (`python resources/sounds/make_sounds.py`); the WAV files are committed, so the program never
runs this. Every sound starts and ends at silence through a smooth envelope, so none of them clicks.
"""

import math
import struct
import wave
from collections.abc import Callable
from pathlib import Path

RATE = 44_100
PEAK = 0.5  # of full scale: clearly audible at a desk without startling anyone
HERE = Path(__file__).resolve().parent


def _envelope(t: float, length: float, attack: float, release: float) -> float:
    """Raised-cosine attack and release, flat between: no step at either end, so no click."""
    if t < 0 or t > length:
        return 0.0
    if t < attack:
        return 0.5 - 0.5 * math.cos(math.pi * t / attack)
    if t > length - release:
        return 0.5 - 0.5 * math.cos(math.pi * (length - t) / release)
    return 1.0


def _bell(frequency: float, start: float, length: float) -> Callable[[float], float]:
    """A soft chime note: a sine with a quiet octave, dying away exponentially."""

    def note(t: float) -> float:
        local = t - start
        if local < 0 or local > length:
            return 0.0
        decay = math.exp(-local * 7.0)
        tone = math.sin(2 * math.pi * frequency * local) + 0.25 * math.sin(4 * math.pi * frequency * local)
        return tone / 1.25 * decay * _envelope(local, length, 0.006, 0.06)

    return note


def admitted(t: float) -> float:
    """A pleasant rising two-tone chime (E5 then B5, a fifth up), the second note over the first's tail."""
    return 0.6 * _bell(659.26, 0.0, 0.30)(t) + 0.6 * _bell(987.77, 0.13, 0.32)(t)


def warning(t: float) -> float:
    """A neutral double beep: the same mid tone twice, neither rising nor falling."""
    frequency = 587.33  # D5
    total = 0.0
    for start in (0.0, 0.17):
        local = t - start
        total += math.sin(2 * math.pi * frequency * local) * _envelope(local, 0.11, 0.012, 0.025)
    return total


def refused(t: float) -> float:
    """A low buzz: a few odd harmonics of 155 Hz (square-ish but band-limited, so it buzzes without rasping)."""
    frequency = 155.0
    tone = sum(math.sin(2 * math.pi * frequency * k * t) / k for k in (1, 3, 5, 7))
    return tone / 1.5 * _envelope(t, 0.42, 0.02, 0.08)


SOUNDS: dict[str, tuple[Callable[[float], float], float]] = {
    "admitted.wav": (admitted, 0.46),
    "warning.wav": (warning, 0.30),
    "refused.wav": (refused, 0.44),
}


def write(path: Path, sound: Callable[[float], float], seconds: float) -> None:
    samples = [sound(i / RATE) for i in range(int(seconds * RATE))]
    loudest = max(abs(s) for s in samples) or 1.0
    frames = b"".join(struct.pack("<h", round(s / loudest * PEAK * 32767)) for s in samples)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)


def main() -> None:
    for name, (sound, seconds) in SOUNDS.items():
        write(HERE / name, sound, seconds)
        print(f"wrote {HERE / name} ({seconds:.2f} s)")


if __name__ == "__main__":
    main()
