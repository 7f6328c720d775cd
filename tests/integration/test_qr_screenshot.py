"""Under a real X server the connection screen shows a QR code that a phone can scan: a screenshot taken from
the X server decodes to exactly the string the (fake) WhatsApp client emitted."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

HERE = Path(__file__).resolve().parent
QR_TEXT = "https://wa.me/settings/linked_devices#2@Zx9Kq1,NoiseKey==,IdentityKey==,AdvSecret==,1"


@pytest.fixture
def x_display() -> Iterator[str]:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (tests/install-and-run.sh installs it)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as announced:
        number = announced.readline().strip()  # Xvfb writes its display number once it accepts clients
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_qr_code_on_screen_decodes_to_what_the_client_emitted(x_display: str, tmp_path: Path) -> None:
    shot = tmp_path / "connection-screen.png"
    env = dict(os.environ, DISPLAY=x_display, QT_QPA_PLATFORM="xcb")
    done = subprocess.run(
        [sys.executable, str(HERE / "qr_screen_probe.py"), str(shot), QR_TEXT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = zxingcpp.read_barcodes(Image.open(shot))
    assert [result.text for result in results] == [QR_TEXT]
