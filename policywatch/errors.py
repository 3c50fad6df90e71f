"""Error kinds shared by every part, mapped at each adapter's boundary."""


class UserError(Exception):
    """An expected failure the user can fix; the CLI prints it as one line (exit 2)."""


class TransientError(Exception):
    """A failure worth retrying with backoff: a server down, overloaded (429) or slow."""


class PermanentError(Exception):
    """A failure that retrying cannot fix: bad data, a mapping conflict, a refused request."""


class DeliveryError(Exception):
    """An article could not be handed to the next stage; it must not be marked seen."""
