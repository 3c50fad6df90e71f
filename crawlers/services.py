"""The adapters a crawl talks to: the raw-topic publisher and the crawl state.

Built from settings through policywatch.runtime unless injected (tests, the e2e
harness); whoever builds them closes them. The publisher is built on first use, so a
Kafka that cannot be reached surfaces as a DeliveryError at the first publish, where
the pipeline turns it into a failed crawl.
"""

from __future__ import annotations

from policywatch.bus.base import Publisher
from policywatch.errors import DeliveryError


class CrawlServices:
    def __init__(self, publisher: Publisher | None = None, state=None) -> None:
        self._publisher = publisher
        self._state = state
        self._owned: list = []
        self._publisher_error: DeliveryError | None = None

    @property
    def state(self):
        if self._state is None:
            from policywatch import runtime

            self._state = runtime.crawl_state()
            self._owned.append(self._state)
        return self._state

    @property
    def publisher(self) -> Publisher:
        if self._publisher_error is not None:
            raise self._publisher_error  # one unreachable broker is waited for once per run, not per source
        if self._publisher is None:
            from policywatch import runtime

            try:
                self._publisher = runtime.raw_publisher()
            except Exception as exc:  # any failure to build the hand-off means nothing is delivered
                self._publisher_error = exc if isinstance(exc, DeliveryError) else DeliveryError(
                    f"cannot build the raw publisher: {exc}")
                raise self._publisher_error from exc
            self._owned.append(self._publisher)
        return self._publisher

    def close(self) -> None:
        """Close what was built here (injected adapters belong to the caller)."""
        while self._owned:
            self._owned.pop().close()
