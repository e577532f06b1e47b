"""Reading back the PDFs artproof writes: QR codes decoded from pages rendered by pdftoppm."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


def decode_qr(png: Path) -> str:
    """The text of the QR code on a rendered page (OpenCV's two detectors, the lower half first)."""
    import cv2

    grey = np.asarray(Image.open(png).convert("L"))
    lower = np.ascontiguousarray(grey[grey.shape[0] // 2 :])  # the page's lower half holds the code
    for picture in (lower, grey):
        for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
            text, _, _ = detector.detectAndDecode(picture)
            if text:
                return str(text)
    return ""
