"""A real SMTP server process for tests: accepts every message and saves it as .eml.

    python -m tests.support.smtp_sink --port 2525 --dir /tmp/mail

Each accepted message is written atomically to DIR/<n>.eml with the envelope in
X-Envelope-* headers, so a test can parse exactly what a mail client would receive.
"""

import argparse
import asyncio
import itertools
import os
from pathlib import Path

from aiosmtpd.controller import Controller


class SaveToDirectory:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        start = len(list(directory.glob("*.eml")))
        self.counter = itertools.count(start)

    async def handle_DATA(self, server, session, envelope):
        number = next(self.counter)
        header = (f"X-Envelope-From: {envelope.mail_from}\r\n"
                  f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n").encode()
        tmp = self.directory / f".{number:06d}.tmp"
        tmp.write_bytes(header + envelope.original_content)
        os.replace(tmp, self.directory / f"{number:06d}.eml")
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    controller = Controller(SaveToDirectory(args.dir), hostname=args.host, port=args.port)
    controller.start()
    print(f"smtp sink listening on {args.host}:{args.port}", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
