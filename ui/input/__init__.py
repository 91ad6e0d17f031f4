"""Input devices: the USB scanner's keystrokes, the camera, QR decoding from frames, sounds."""
