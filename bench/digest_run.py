"""One digest run over every subscription, as a child process of bench/memory.py.

    .venv/bin/python bench/digest_run.py

Builds the deliverer exactly as `policywatch digest send-now` does (alerts.cli, from
settings: the stores behind ELASTICSEARCH_URL / ELASTICSEARCH_INDEX_PREFIX, the mailer
from SMTP_HOST or the outbox) and runs Deliverer.run_all over all subscriptions, the
work the `policywatch alerts` scheduler spreads over its jobs. Prints a JSON line of
outcome counts.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policywatch import runtime  # noqa: E402


def main() -> int:
    store = runtime.subscription_store()
    store.ensure_ready()
    outcomes = runtime.deliverer().run_all(store.list(), datetime.now(timezone.utc))
    print(json.dumps(Counter(o.outcome for o in outcomes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
