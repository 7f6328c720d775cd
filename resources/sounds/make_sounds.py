"""Make the notification sound (new_message.wav): two soft sine tones, 16-bit mono, 22,050 Hz, ~0.3 s.

Run from the repository root:  python resources/sounds/make_sounds.py
The WAV is committed; this script documents how it was made (no third-party sound, no licence to track).
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
VOLUME = 0.35
#: (frequency in Hz, seconds): a rising two-note chime
NOTES = ((880.0, 0.12), (1318.5, 0.18))


def samples() -> list[int]:
    out: list[int] = []
    for frequency, seconds in NOTES:
        count = int(RATE * seconds)
        for n in range(count):
            attack = min(1.0, n / (0.01 * RATE))  # 10 ms fade in, then an exponential fade out: no clicks
            decay = math.exp(-4.0 * n / count)
            value = math.sin(2 * math.pi * frequency * n / RATE) * attack * decay * VOLUME
            out.append(int(value * 32767))
    return out


def main() -> None:
    target = Path(__file__).with_name("new_message.wav")
    with wave.open(str(target), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(b"".join(struct.pack("<h", value) for value in samples()))


if __name__ == "__main__":
    main()
